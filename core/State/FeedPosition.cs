using SfSync.Model;

namespace SfSync.State;

/// <summary>
/// How far the change feeds of one entity have been read. The Salesforce side keeps the true watermark
/// (largest SystemModstamp seen) and re-reads a lookback window below it on every run; the records already
/// planned inside that window are remembered so that the overlap is not planned twice.
/// </summary>
public sealed record FeedPosition(
    DateTimeOffset? SalesforceWatermark,
    IReadOnlyDictionary<SalesforceId, DateTimeOffset> RecentSalesforce,
    string? AppCursor)
{
    public static FeedPosition Start { get; } = new(null, new Dictionary<SalesforceId, DateTimeOffset>(), null);
}
