namespace SfSync.Linking;

/// <summary>The normalised forms matching compares: e-mails and names trimmed and case-folded.</summary>
internal static class MatchKey
{
    public static string? Email(string? email) => Fold(email);

    public static string? Name(string? name) => Fold(name);

    private static string? Fold(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.ToUpperInvariant();
    }
}
