namespace SfSync.Mapping;

/// <summary>
/// Contact FirstName + LastName ⇄ the app's single name. Salesforce requires LastName, so the last word goes
/// there and everything before it to FirstName; a one-word name is a LastName alone. Join and Split round-trip.
/// </summary>
internal static class PersonName
{
    public const string CompositeField = "FirstName+LastName";
    public const string FirstName = "FirstName";
    public const string LastName = "LastName";

    public static string? Join(string? firstName, string? lastName)
    {
        var joined = $"{firstName?.Trim()} {lastName?.Trim()}".Trim();
        return joined.Length == 0 ? null : joined;
    }

    public static (string? FirstName, string? LastName) Split(string? name)
    {
        var words = (name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return words.Length switch
        {
            0 => (null, null),
            1 => (null, words[0]),
            _ => (string.Join(' ', words[..^1]), words[^1]),
        };
    }
}
