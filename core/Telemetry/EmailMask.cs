using System.Text.RegularExpressions;

namespace SfSync.Telemetry;

/// <summary>Whole e-mail addresses never reach the logs: <c>jane.doe@example.com</c> becomes <c>j***@example.com</c>.</summary>
internal static partial class EmailMask
{
    public static string Mask(string text) => text.Contains('@', StringComparison.Ordinal)
        ? Email().Replace(text, m => m.Groups[1].Value[0] + "***@" + m.Groups[2].Value)
        : text;

    [GeneratedRegex(@"([A-Za-z0-9._%+'-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")]
    private static partial Regex Email();
}
