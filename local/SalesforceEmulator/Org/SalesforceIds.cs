namespace SfSync.SalesforceEmulator.Org;

/// <summary>Record ids as Salesforce makes them: key prefix, pod, counter, and the three-character case checksum.</summary>
internal static class SalesforceIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string SuffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    public static string New(string prefix, long counter)
    {
        Span<char> body = stackalloc char[9];
        for (var i = body.Length - 1; i >= 0; i--)
        {
            body[i] = Alphabet[(int)(counter % 62)];
            counter /= 62;
        }

        var id15 = prefix + "Hs" + "0" + new string(body); // 3 + 2 + 1 + 9 = 15
        return id15 + Suffix(id15);
    }

    /// <summary>The 18-character form of a 15- or 18-character id, or null when it is not one.</summary>
    public static string? Normalize(string? id)
    {
        if (id is null || id.Length is not (15 or 18) || !id.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }

        var id15 = id[..15];
        if (id.Length == 18)
        {
            var chars = id15.ToCharArray();
            for (var chunk = 0; chunk < 3; chunk++)
            {
                var bits = SuffixAlphabet.IndexOf(char.ToUpperInvariant(id[15 + chunk]), StringComparison.Ordinal);
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

            id15 = new string(chars);
            if (!string.Equals(Suffix(id15), id[15..], StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return id15 + Suffix(id15);
    }

    private static string Suffix(string id15)
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
}
