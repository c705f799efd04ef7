namespace SfSync.Scope;

/// <summary>
/// The filter of a list view: the WHERE clause of the SOQL its describe returns, parsed with the scope grammar. A list
/// view is never run as SOQL: its condition must parse into the same tree a configured filter does (so the engine
/// evaluates it on every record it reads, and sees a record leave), or it is refused — date literals (<c>TODAY</c>),
/// relationship fields, <c>USING SCOPE</c> and "My …" views, and <c>INCLUDES</c> are out of the grammar. A list view
/// without a WHERE is every record.
/// </summary>
internal static class ListViewFilter
{
    /// <returns>The filter, or null for a list view of every record.</returns>
    /// <exception cref="ScopeSyntaxException">The query has no filter the grammar can hold; the position is in the WHERE.</exception>
    public static ScopeExpression? Parse(string query, string? scope)
    {
        if (scope is not null && !string.Equals(scope, "everything", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScopeSyntaxException($"the list view's scope is '{scope}' (records of a user or team, not of fields); only list views of all records can be a sync scope", 1);
        }

        var words = TopLevelWords(query);
        if (words.Any(w => w.Word.Equals("USING", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScopeSyntaxException("the list view's query has USING SCOPE; only list views of all records can be a sync scope", 1);
        }

        var where = words.FirstOrDefault(w => w.Word.Equals("WHERE", StringComparison.OrdinalIgnoreCase));
        if (where.Word is null)
        {
            return null;
        }

        var start = where.Index + where.Word.Length;
        var end = words.Where(w => w.Index > start && (w.Word.Equals("ORDER", StringComparison.OrdinalIgnoreCase) || w.Word.Equals("LIMIT", StringComparison.OrdinalIgnoreCase)
            || w.Word.Equals("GROUP", StringComparison.OrdinalIgnoreCase) || w.Word.Equals("OFFSET", StringComparison.OrdinalIgnoreCase)))
            .Select(w => w.Index).DefaultIfEmpty(query.Length).First();
        return ScopeParser.Parse(query[start..end]);
    }

    /// <summary>The words outside string literals, with where they start.</summary>
    private static List<(string Word, int Index)> TopLevelWords(string query)
    {
        var words = new List<(string, int)>();
        var inString = false;
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '\'')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '\'')
            {
                inString = true;
                continue;
            }

            if (char.IsAsciiLetter(c) && (i == 0 || !(char.IsAsciiLetterOrDigit(query[i - 1]) || query[i - 1] is '_' or '.')))
            {
                var start = i;
                while (i + 1 < query.Length && (char.IsAsciiLetterOrDigit(query[i + 1]) || query[i + 1] == '_'))
                {
                    i++;
                }

                words.Add((query[start..(i + 1)], start));
            }
        }

        return words;
    }
}
