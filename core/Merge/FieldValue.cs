using SfSync.Mapping;

namespace SfSync.Merge;

/// <summary>How the merge sees a value: trimmed, with null, empty and whitespace-only all meaning blank.</summary>
internal static class FieldValue
{
    public static string? Normalize(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    public static bool IsBlank(string? value) => Normalize(value) is null;

    public static bool AreEqual(string? left, string? right, FieldComparison comparison) => string.Equals(
        Normalize(left),
        Normalize(right),
        comparison == FieldComparison.Email ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
