using System.Globalization;
using System.Text.RegularExpressions;

namespace SfSync.Salesforce.Rest;

/// <summary>Keeps the org's API usage as the last <c>Sforce-Limit-Info: api-usage=used/max</c> header reported it.</summary>
internal sealed partial class ApiUsageTracker(TimeProvider time)
{
    private ApiUsage? _last;

    public ApiUsage? Last => Volatile.Read(ref _last);

    /// <summary>Every data API answer passes here (the auth handler), so this is also where calls are counted.</summary>
    public void Observe(HttpResponseMessage response)
    {
        Telemetry.SyncMetrics.SalesforceCall();
        if (response.Headers.TryGetValues("Sforce-Limit-Info", out var values) && UsagePattern().Match(string.Join(";", values)) is { Success: true } match)
        {
            Volatile.Write(ref _last, new ApiUsage(
                long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                time.GetUtcNow()));
            Telemetry.SyncMetrics.ApiUsage(_last!);
        }
    }

    /// <summary>Takes a reading of the Limits resource, which is fresher than the last header when no call was made for a while.</summary>
    public ApiUsage Observe(long used, long dailyMax)
    {
        var reading = new ApiUsage(used, dailyMax, time.GetUtcNow());
        Volatile.Write(ref _last, reading);
        Telemetry.SyncMetrics.ApiUsage(reading);
        return reading;
    }

    [GeneratedRegex(@"api-usage=(\d+)/(\d+)")]
    private static partial Regex UsagePattern();
}
