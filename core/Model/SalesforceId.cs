using System.Diagnostics.CodeAnalysis;

namespace SfSync.Model;

/// <summary>
/// A Salesforce record id, always held in its 18-character, case-insensitively unique form so that the
/// 15- and 18-character spellings of one record compare equal. Only ids that pass <see cref="TryParse"/>
/// ever reach SOQL, which is half of our injection defence.
/// </summary>
internal readonly record struct SalesforceId
{
    private const string SuffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    private SalesforceId(string value) => Value = value;

    public string Value { get; }

    /// <summary>The three-character key prefix naming the object (001 Account, 003 Contact, 005 User).</summary>
    public string KeyPrefix => Value[..3];

    public static SalesforceId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{Truncate(text)}' is not a 15- or 18-character Salesforce id.");

    public static bool TryParse([NotNullWhen(true)] string? text, out SalesforceId id)
    {
        id = default;
        if (text is null)
        {
            return false;
        }

        text = text.Trim();
        if (text.Length is not (15 or 18) || !text.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        // An 18-character id is case-insensitive: its suffix says which letters are upper-case, so restore them.
        var id15 = text.Length == 18 ? RestoreCase(text) : text[..15];
        if (id15 is null)
        {
            return false;
        }

        var suffix = ChecksumSuffix(id15);
        if (text.Length == 18 && !string.Equals(text[15..], suffix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        id = new SalesforceId(id15 + suffix);
        return true;
    }

    public override string ToString() => Value ?? string.Empty;

    // Salesforce's documented 15→18 rule: for each 5-character chunk, a bit per upper-case letter.
    private static string? RestoreCase(string id18)
    {
        var chars = id18[..15].ToCharArray();
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var bits = SuffixAlphabet.IndexOf(char.ToUpperInvariant(id18[15 + chunk]), StringComparison.Ordinal);
            if (bits < 0)
            {
                return null;
            }

            for (var i = 0; i < 5; i++)
            {
                ref var c = ref chars[(chunk * 5) + i];
                c = (bits & (1 << i)) != 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            }
        }

        return new string(chars);
    }

    private static string ChecksumSuffix(ReadOnlySpan<char> id15)
    {
        Span<char> suffix = stackalloc char[3];
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var bits = 0;
            for (var i = 0; i < 5; i++)
            {
                if (char.IsAsciiLetterUpper(id15[(chunk * 5) + i]))
                {
                    bits |= 1 << i;
                }
            }

            suffix[chunk] = SuffixAlphabet[bits];
        }

        return new string(suffix);
    }

    private static string Truncate(string? text) => text is null ? "null" : text.Length <= 24 ? text : text[..24] + "…";
}
