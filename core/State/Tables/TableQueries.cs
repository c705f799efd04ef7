using Azure;
using Azure.Data.Tables;

namespace SfSync.State.Tables;

internal static class TableQueries
{
    /// <summary>The Table service allows 15 comparisons per filter: the partition plus 14 row keys.</summary>
    public const int RowKeysPerQuery = 14;

    /// <summary>
    /// From this many keys on, a read first scans the keys' range (a page holds 1,000 rows, a point query 14 keys): the
    /// planner run after a big sync looks up the link of every echo — 10,000 links were 715 queries, a scan of the
    /// partition is about a dozen pages. Below it a batch's 200 keys go straight to point queries.
    /// </summary>
    public const int ScanFromKeys = 1_000;

    private const int RowsPerPage = 1_000;

    /// <summary>Reads the rows with the given keys in one partition: many keys by a range scan while it pays, the rest
    /// 14 keys per request.</summary>
    public static async Task<List<TableEntity>> GetRowsAsync(TableClient table, string partitionKey, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        var keys = rowKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var rows = new List<TableEntity>();
        var resolved = keys.Count >= ScanFromKeys ? await ScanAsync(table, partitionKey, keys, rows, cancellationToken).ConfigureAwait(false) : 0;
        foreach (var chunk in keys.Skip(resolved).Chunk(RowKeysPerQuery))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}")
                + " and (" + string.Join(" or ", chunk.Select(rk => TableClient.CreateQueryFilter($"RowKey eq {rk}"))) + ")";
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>
    /// Reads the range from the first to the last of the (ordered) keys page by page, keeping the wanted rows, and stops
    /// once a page settled fewer keys than one point query does — the keys are sparse there, so point queries are
    /// cheaper for the rest; the scan costs at most one page more than point queries alone. The service returns a
    /// partition's rows in RowKey order, so every key up to a page's last row is settled (found or absent). Returns how
    /// many keys, from the first, are settled.
    /// </summary>
    private static async Task<int> ScanAsync(TableClient table, string partitionKey, List<string> keys, List<TableEntity> rows, CancellationToken cancellationToken)
    {
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {keys[0]} and RowKey le {keys[^1]}");
        var settled = 0;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, RowsPerPage, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            rows.AddRange(page.Values.Where(r => wanted.Contains(r.RowKey)));
            if (page.ContinuationToken is null)
            {
                return keys.Count;
            }

            if (page.Values.Count == 0)
            {
                continue; // the service may answer an empty page with a continuation
            }

            var last = page.Values[^1].RowKey;
            var before = settled;
            while (settled < keys.Count && string.CompareOrdinal(keys[settled], last) <= 0)
            {
                settled++;
            }

            if (settled - before < RowKeysPerQuery)
            {
                return settled;
            }
        }

        return keys.Count;
    }

    public static async Task<TableEntity?> GetRowAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Insert when <paramref name="etag"/> is null, else replace under it; false when another writer won.</summary>
    public static async Task<(bool Saved, ETag ETag)> TrySaveAsync(TableClient table, TableEntity entity, string? etag, CancellationToken cancellationToken)
    {
        try
        {
            var response = etag is null
                ? await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await table.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return (true, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException ex) when (IsLostRace(ex))
        {
            return (false, default);
        }
    }

    /// <summary>409 on insert (exists), 412 on replace (changed), 404 on replace (deleted meanwhile).</summary>
    public static bool IsLostRace(RequestFailedException ex) => ex.Status is 409 or 412 or 404;
}
