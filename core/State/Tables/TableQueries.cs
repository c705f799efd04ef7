using Azure;
using Azure.Data.Tables;

namespace SfSync.State.Tables;

internal static class TableQueries
{
    /// <summary>The Table service allows 15 comparisons per filter: the partition plus 14 row keys.</summary>
    public const int RowKeysPerQuery = 14;

    /// <summary>Reads the rows with the given keys in one partition, 14 keys per request.</summary>
    public static async Task<List<TableEntity>> GetRowsAsync(TableClient table, string partitionKey, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        foreach (var chunk in rowKeys.Distinct(StringComparer.Ordinal).Chunk(RowKeysPerQuery))
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
