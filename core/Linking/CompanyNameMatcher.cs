namespace SfSync.Linking;

/// <summary>
/// The account of a new app contact whose customer is not linked: an exact company-name match (earliest
/// created if several), else the one account whose name contains the company name, else none. A substring
/// that hits several accounts is ambiguous and links nothing: a wrong account is worse than none.
/// </summary>
internal static class CompanyNameMatcher
{
    public static Match<T>? Pick<T>(IReadOnlyCollection<Candidate<T>> accounts, string? companyName)
    {
        if (ExactMatcher.Pick(accounts, companyName) is { } exact)
        {
            return exact;
        }

        var key = MatchKey.Name(companyName);
        if (key is null)
        {
            return null;
        }

        var containing = accounts.Where(a => MatchKey.Name(a.Value)?.Contains(key, StringComparison.Ordinal) == true).Take(2).ToList();
        return containing.Count == 1 ? new Match<T>(containing[0].Record, 0, CompanyNameRule.UniqueSubstring) : null;
    }
}
