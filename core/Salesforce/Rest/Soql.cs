using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SfSync.Model;

namespace SfSync.Salesforce.Rest;

/// <summary>
/// Builds SOQL only from validated parts: ids that parsed as Salesforce ids, field and object names that match the
/// API-name pattern, and string literals escaped by Salesforce's rules (backslash first, then the quote). A value can
/// therefore never end the literal it sits in.
/// </summary>
internal static partial class Soql
{
    public static string Literal(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            builder.Append(Escape(c));
        }

        return builder.Append('\'').ToString();
    }

    /// <summary>A literal for LIKE: the wildcards are escaped too, so a name containing % or _ matches only itself.</summary>
    public static string ContainsPattern(string value)
    {
        var builder = new StringBuilder(value.Length + 4).Append("'%");
        foreach (var c in value)
        {
            builder.Append(c is '%' or '_' ? "\\" + c : Escape(c));
        }

        return builder.Append("%'").ToString();
    }

    /// <summary>A LIKE literal from pattern parts: the text is escaped (its % and _ included), only the pattern's own
    /// wildcards stay wildcards.</summary>
    public static string LikeLiteral(IEnumerable<(string Text, bool Wildcard)> parts)
    {
        var builder = new StringBuilder().Append('\'');
        foreach (var (text, wildcard) in parts)
        {
            if (wildcard)
            {
                builder.Append(text is "%" ? '%' : '_');
                continue;
            }

            foreach (var c in text)
            {
                builder.Append(c is '%' or '_' ? "\\" + c : Escape(c));
            }
        }

        return builder.Append('\'').ToString();
    }

    public static string IdList(IEnumerable<SalesforceId> ids) => "(" + string.Join(",", ids.Select(id => "'" + id.Value + "'")) + ")";

    public static string DateTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Name(string name) => ApiName().IsMatch(name) ? name : throw new ArgumentException($"'{name}' is not a Salesforce API name.", nameof(name));

    private static string Escape(char c) => c switch
    {
        '\\' => @"\\",
        '\'' => @"\'",
        '"' => "\\\"",
        '\n' => @"\n",
        '\r' => @"\r",
        '\t' => @"\t",
        '\b' => @"\b",
        '\f' => @"\f",
        _ when char.IsControl(c) => $"\\u{(int)c:x4}",
        _ => c.ToString(),
    };

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{0,79}$")]
    private static partial Regex ApiName();
}
