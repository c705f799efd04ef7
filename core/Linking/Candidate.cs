namespace SfSync.Linking;

/// <summary>A record that matching may link to: its match value and when it was created (earliest wins).</summary>
internal sealed record Candidate<T>(T Record, string? Value, DateTimeOffset CreatedAt);

/// <summary>The chosen candidate and how many others matched as well (reported as duplicates).</summary>
internal sealed record Match<T>(T Record, int Duplicates, CompanyNameRule Rule = CompanyNameRule.Exact);

internal enum CompanyNameRule
{
    Exact,
    UniqueSubstring,
}
