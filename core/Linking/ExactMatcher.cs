namespace SfSync.Linking;

/// <summary>
/// Contacts by e-mail and accounts by exact name: among the candidates whose normalised value equals the
/// wanted one, the earliest created wins and the rest are counted as duplicates.
/// </summary>
internal static class ExactMatcher
{
    public static Match<T>? Pick<T>(IEnumerable<Candidate<T>> candidates, string? wanted)
    {
        var key = MatchKey.Name(wanted);
        if (key is null)
        {
            return null;
        }

        var hits = candidates
            .Where(c => MatchKey.Name(c.Value) == key)
            .OrderBy(c => c.CreatedAt)
            .ToList();
        return hits.Count == 0 ? null : new Match<T>(hits[0].Record, hits.Count - 1);
    }
}
