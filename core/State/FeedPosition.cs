using SfSync.Model;

namespace SfSync.State;

/// <summary>
/// How far the change feeds of one entity have been read. The Salesforce side keeps the true watermark
/// (largest SystemModstamp seen) and re-reads a lookback window below it on every run; every version already
/// handled inside that window (planned, or dropped as our own echo) is remembered with its stamp and a
/// fingerprint, so that the overlap is not planned twice while a newer version under the same stamp still is.
/// </summary>
/// <param name="SalesforceSettled">Records stamped before this were committed before a read that saw from there on:
/// the late-commit window left to re-read runs from here to the watermark (people's records only), and once it
/// reaches the watermark an idle run reads one page of nothing. Null: as before it existed, the whole lookback.</param>
/// <remarks>
/// Equality is by value — watermark, app cursor and every remembered version — because positions are compared after
/// a round trip through storage, where two equal positions are never the same instance.
/// </remarks>
internal sealed record FeedPosition(
    DateTimeOffset? SalesforceWatermark,
    IReadOnlyDictionary<SalesforceId, SeenVersion> RecentSalesforce,
    string? AppCursor,
    DateTimeOffset? SalesforceSettled = null)
{
    /// <summary>
    /// The most versions one position remembers. It is what one Table Storage entity holds (the cursor row carries
    /// two positions; see docs/state.md and CursorAndOutboxTableTests), not a tuning knob: a lookback window with more
    /// changes than this keeps the newest, and the oldest are planned again — never skipped — while they stay inside it.
    /// </summary>
    public const int MaxRecent = 40_000;

    public static FeedPosition Start { get; } = new(null, new Dictionary<SalesforceId, SeenVersion>(), null);

    public bool Equals(FeedPosition? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null
            || SalesforceWatermark != other.SalesforceWatermark
            || SalesforceSettled != other.SalesforceSettled
            || !string.Equals(AppCursor, other.AppCursor, StringComparison.Ordinal)
            || RecentSalesforce.Count != other.RecentSalesforce.Count)
        {
            return false;
        }

        foreach (var (id, version) in RecentSalesforce)
        {
            if (!other.RecentSalesforce.TryGetValue(id, out var theirs) || theirs != version)
            {
                return false;
            }
        }

        return true;
    }

    public override int GetHashCode()
    {
        // Order-independent over the remembered versions, so equal positions hash alike whatever their dictionaries' order.
        var recent = 0;
        foreach (var (id, version) in RecentSalesforce)
        {
            recent ^= HashCode.Combine(id, version);
        }

        return HashCode.Combine(SalesforceWatermark, SalesforceSettled, AppCursor, RecentSalesforce.Count, recent);
    }
}

/// <summary>
/// One version of a Salesforce record as the change feed showed it. Salesforce stamps to the second, so the stamp
/// alone cannot tell two versions of one second apart; the fingerprint (of the mapped fields, the parent and the
/// deletion flag) can.
/// </summary>
internal readonly record struct SeenVersion(DateTimeOffset SystemModstamp, ulong Fingerprint)
{
    /// <summary>No fingerprint: remembered before fingerprints existed, or read without its fields. Matches nothing.</summary>
    public const ulong UnknownFingerprint = 0;
}
