using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace SfSync.SalesforceEmulator.Api;

/// <summary>Open query results for nextRecordsUrl paging; like Salesforce's locators they expire after two days.</summary>
internal sealed class QueryCursors(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);
    private readonly ConcurrentDictionary<string, (List<JsonObject> Rows, DateTimeOffset Created)> _open = new(StringComparer.Ordinal);
    private long _next;

    public JsonObject Page(List<JsonObject> rows, int offset, int pageSize, string version, string? locator = null)
    {
        var page = rows.Skip(offset).Take(pageSize).Select(r => (JsonNode?)r.DeepClone()).ToArray();
        var done = offset + page.Length >= rows.Count;
        var result = new JsonObject { ["totalSize"] = rows.Count, ["done"] = done };
        if (!done)
        {
            locator ??= Open(rows);
            result["nextRecordsUrl"] = $"/services/data/{version}/query/{locator}-{offset + page.Length}";
        }

        result["records"] = new JsonArray(page);
        return result;
    }

    public bool TryGet(string locator, out List<JsonObject> rows)
    {
        rows = [];
        if (!_open.TryGetValue(locator, out var entry) || time.GetUtcNow() - entry.Created > Lifetime)
        {
            return false;
        }

        rows = entry.Rows;
        return true;
    }

    private string Open(List<JsonObject> rows)
    {
        var locator = $"01gHs{Interlocked.Increment(ref _next):D10}";
        _open[locator] = (rows, time.GetUtcNow());
        return locator;
    }
}
