namespace SfSync.Model;

/// <summary>A record id in the app. Opaque to us; compared exactly.</summary>
internal readonly record struct AppId
{
    public const int MaxLength = 128;

    private AppId(string value) => Value = value;

    public string Value { get; }

    public static AppId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"An app id must be 1 to {MaxLength} visible characters.");

    public static bool TryParse(string? text, out AppId id)
    {
        id = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || text.Any(char.IsControl))
        {
            return false;
        }

        id = new AppId(text);
        return true;
    }

    public override string ToString() => Value ?? string.Empty;
}
