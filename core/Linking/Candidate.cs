namespace SfSync.Linking;

/// <summary>A record that matching may link to: its match value and when it was created (earliest wins).</summary>
public sealed record Candidate<T>(T Record, string? Value, DateTimeOffset CreatedAt);

/// <summary>The chosen candidate and how many others matched as well (reported as duplicates).</summary>
public sealed record Match<T>(T Record, int Duplicates, CompanyNameRule Rule = CompanyNameRule.Exact);

public enum CompanyNameRule
{
    Exact,
    UniqueSubstring,
}
