using System.Globalization;

namespace SfSync.Runs;

/// <summary>Run ids that sort by start time and say when the run started: 20261123T031500Z-1a2b3c4d.</summary>
internal static class RunId
{
    public static string New(TimeProvider time) =>
        time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
}
