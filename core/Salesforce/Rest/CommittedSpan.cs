using System.Globalization;
using System.Text.Json;

namespace SfSync.Salesforce.Rest;

/// <summary>
/// The span an sObject Get Updated subrequest asks about so that its <c>latestDateCovered</c> says which changes are
/// committed: the end of the span, or the start of a transaction still open. Asked in the feed's Composite call before
/// its queries (subrequests run in order), it tells the planner that every record stamped before it is visible to
/// those queries — the org's word where the lookback is only a guess at how long a transaction may take.
/// </summary>
internal sealed record CommittedSpan(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>Salesforce truncates the seconds of both ends and refuses a span of a minute or less; the ids it lists
    /// are not needed, so the span is as short as it may be.</summary>
    private static readonly TimeSpan Width = TimeSpan.FromMinutes(2);

    /// <summary>The span ending at the minute of <paramref name="orgNow"/>. An end that is early only makes the answer
    /// earlier; one that is late (our guess of the org's time was wrong) is refused or cut by the org to its now.</summary>
    public static CommittedSpan EndingAt(DateTimeOffset orgNow)
    {
        var end = Minute(orgNow);
        return new CommittedSpan(end - Width, end);
    }

    public string Query => $"start={Uri.EscapeDataString(Format(Start))}&end={Uri.EscapeDataString(Format(End))}";

    /// <summary>
    /// What an answer says is committed, cut to the minute, or null when it says nothing usable: a refusal, or an answer
    /// at the span's very start — the start of a transaction open since before the span may have been cut to it.
    /// </summary>
    public DateTimeOffset? Committed(CompositeSubresponse response)
    {
        if (response.HttpStatusCode != 200
            || response.Body.ValueKind != JsonValueKind.Object
            || !response.Body.TryGetProperty("latestDateCovered", out var covered)
            || covered.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        DateTimeOffset at;
        try
        {
            at = Minute(SalesforceDates.Parse(covered.GetString()!));
        }
        catch (FormatException)
        {
            return null;
        }

        return at == Start ? null : at < End ? at : End;
    }

    private static DateTimeOffset Minute(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
}
