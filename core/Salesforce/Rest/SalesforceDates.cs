using System.Globalization;

namespace SfSync.Salesforce.Rest;

/// <summary>Salesforce writes datetimes as 2013-05-20T20:49:32.000+0000, an offset System.Text.Json does not read.</summary>
internal static class SalesforceDates
{
    public static DateTimeOffset Parse(string text)
    {
        var normalized = text.Length > 5 && text[^5] is '+' or '-' && text[^3] != ':' ? text[..^2] + ":" + text[^2..] : text;
        return DateTimeOffset.Parse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
    }
}
