using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// Checks the SAS token the SDK builds from the connection string's key
/// (<c>SharedAccessSignature sr=&lt;url-encoded audience&gt;&amp;sig=&lt;HMAC-SHA256 of "sr\nse"&gt;&amp;se=&lt;unix expiry&gt;&amp;skn=&lt;key name&gt;</c>),
/// so a client with the wrong key is refused as Service Bus would refuse it.
/// </summary>
internal sealed class SharedAccessSignature(string keyName, string key)
{
    private const string Prefix = "SharedAccessSignature ";

    public bool IsValid(string? token, DateTimeOffset now)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var fields = token[Prefix.Length..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!fields.TryGetValue("sr", out var resource) || !fields.TryGetValue("sig", out var signature)
            || !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var name))
        {
            return false;
        }

        if (!string.Equals(WebUtility.UrlDecode(name), keyName, StringComparison.Ordinal)
            || !long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || DateTimeOffset.FromUnixTimeSeconds(seconds) <= now)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{resource}\n{expiry}"));
        try
        {
            return CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(WebUtility.UrlDecode(signature)));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
