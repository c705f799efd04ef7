using Azure.Data.Tables;
using SfSync.Model;
using SfSync.Sweeping;

namespace SfSync.State.Tables;

/// <summary>Range reads for the drift sweep: a link's <c>S_</c> and <c>A_</c> rows sort by id, so the links of a page's
/// range are one range query in the entity's partition (1,000 rows a response).</summary>
internal sealed partial class LinkTable : ILinkRanges
{
    public Task<IReadOnlyList<Link>> BySalesforceRangeAsync(EntityKind entity, SalesforceId? after, SalesforceId? upTo, CancellationToken cancellationToken = default) =>
        RangeAsync(entity, SalesforceRow, after?.Value, upTo?.Value, cancellationToken);

    public Task<IReadOnlyList<Link>> ByAppRangeAsync(EntityKind entity, AppId? after, AppId? upTo, CancellationToken cancellationToken = default) =>
        RangeAsync(entity, AppRow, after is { } a ? RowKeys.Escape(a.Value) : null, upTo is { } u ? RowKeys.Escape(u.Value) : null, cancellationToken);

    private async Task<IReadOnlyList<Link>> RangeAsync(EntityKind entity, string prefix, string? after, string? upTo, CancellationToken cancellationToken)
    {
        var table = await tables.LinksAsync(cancellationToken).ConfigureAwait(false);
        var partition = Partition(entity);
        var from = after is null ? prefix : prefix + after;
        // The prefix's last character is '_'; '`' follows it, so "A`" bounds every "A_…" key from above.
        var end = upTo is null ? prefix[..^1] + "`" : prefix + upTo;
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from}");
        filter += upTo is null
            ? " and " + TableClient.CreateQueryFilter($"RowKey lt {end}")
            : " and " + TableClient.CreateQueryFilter($"RowKey le {end}");
        var found = new List<Link>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found.Add(FromRow(entity, row));
        }

        return found;
    }
}
