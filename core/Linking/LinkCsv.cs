namespace SfSync.Linking;

/// <summary>
/// The CSV form of a pre-link import: a header line, then <c>salesforceId,appId</c> per line. Cells are trimmed and
/// may be quoted; blank lines are skipped. A row that does not hold two ids is passed on as it is, so the importer
/// reports it as that row's error instead of the whole file being refused.
/// </summary>
internal static class LinkCsv
{
    public static IReadOnlyList<LinkPair> Parse(string? text)
    {
        var lines = (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Skip(1).Select(line =>
        {
            var cells = line.Split(',', StringSplitOptions.TrimEntries);
            return new LinkPair(Cell(cells, 0), Cell(cells, 1));
        }).ToList();
    }

    private static string? Cell(string[] cells, int index) => cells.ElementAtOrDefault(index)?.Trim('"').Trim() is { Length: > 0 } value ? value : null;
}
