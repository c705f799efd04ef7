using Azure;
using Azure.Data.Tables;
using SfSync.Model;

namespace SfSync.State.Tables;

/// <summary>
/// Links on Table Storage. All links of an entity share one partition, so a link's two rows — <c>S_{salesforceId}</c>
/// and <c>A_{appId}</c>, each holding the whole link — are written together in one entity group transaction: the
/// uniqueness of both ids and the ETag check are atomic. Lookups by either id are row-key queries in that
/// partition, 14 keys per request (docs/state.md explains the numbers).
/// </summary>
internal sealed partial class LinkTable(StateTables tables) : ILinkStore
{
    private const string SalesforceRow = "S_";
    private const string AppRow = "A_";

    /// <summary>A third row while a create in Salesforce has no id yet, or an earlier attempt of it is unaccounted for
    /// (<see cref="Link.Unaccounted"/>), so that such links are one range query away.</summary>
    private const string PendingRow = "P_";

    /// <summary>An entity group transaction holds at most 100 operations.</summary>
    private const int MaxTransactionOps = 100;

    public async Task<IReadOnlyList<Link>> FindAsync(EntityKind entity, IReadOnlyCollection<SalesforceId> salesforceIds, IReadOnlyCollection<AppId> appIds, CancellationToken cancellationToken = default)
    {
        var table = await tables.LinksAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<Link>();
        if (salesforceIds.Count > 0)
        {
            var rows = await TableQueries.GetRowsAsync(table, Partition(entity), salesforceIds.Select(id => SalesforceRow + id.Value), cancellationToken).ConfigureAwait(false);
            found.AddRange(rows.Select(r => FromRow(entity, r)));
        }

        var covered = found.Where(l => l.AppId is not null).Select(l => l.AppId!.Value).ToHashSet();
        var remaining = appIds.Where(id => !covered.Contains(id)).ToList();
        if (remaining.Count > 0)
        {
            var rows = await TableQueries.GetRowsAsync(table, Partition(entity), remaining.Select(id => AppRow + RowKeys.Escape(id.Value)), cancellationToken).ConfigureAwait(false);
            var known = found.Where(l => l.SalesforceId is not null).Select(l => l.SalesforceId!.Value).ToHashSet();
            found.AddRange(rows.Select(r => FromRow(entity, r)).Where(l => l.SalesforceId is null || !known.Contains(l.SalesforceId.Value)));
        }

        return found;
    }

    public async Task<IReadOnlyList<Link>> PendingCreatesAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        var table = await tables.LinksAsync(cancellationToken).ConfigureAwait(false);
        var partition = Partition(entity);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {PendingRow} and RowKey lt {"P`"}");
        var found = new List<Link>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found.Add(FromRow(entity, row) with { ETag = null });
        }

        if (found.Count == 0)
        {
            return [];
        }

        // The index row's ETag does not guard the link: read the link itself, as a write needs it.
        var links = await FindAsync(entity, [], found.Select(l => l.AppId!.Value).ToHashSet(), cancellationToken).ConfigureAwait(false);
        return links.Where(HasPendingRow).ToList();
    }

    public async Task<IReadOnlyList<LinkWriteResult>> WriteAsync(IReadOnlyList<LinkWrite> writes, CancellationToken cancellationToken = default)
    {
        var table = await tables.LinksAsync(cancellationToken).ConfigureAwait(false);
        var results = new LinkWriteResult[writes.Count];
        var planned = writes.Select((w, i) => new PlannedWrite(i, w, Operations(w))).ToList();
        foreach (var partition in planned.GroupBy(p => Partition((p.Write.Next ?? p.Write.Previous)!.Entity)))
        {
            foreach (var chunk in Chunks(partition))
            {
                await SubmitAsync(table, chunk, results, cancellationToken).ConfigureAwait(false);
            }
        }

        return results;
    }

    private static async Task SubmitAsync(TableClient table, List<PlannedWrite> chunk, LinkWriteResult[] results, CancellationToken cancellationToken)
    {
        while (chunk.Count > 0)
        {
            var actions = chunk.SelectMany(p => p.Actions).ToList();
            try
            {
                var response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                var offset = 0;
                foreach (var write in chunk)
                {
                    results[write.Index] = Stored(write, response.Value, offset);
                    offset += write.Actions.Count;
                }

                return;
            }
            catch (TableTransactionFailedException ex) when (TableQueries.IsLostRace(ex) && ex.FailedTransactionActionIndex is { } failed)
            {
                // One lost race fails the whole transaction: report that write and submit the rest again.
                var offset = 0;
                var loser = chunk.First(w => failed < (offset += w.Actions.Count));
                results[loser.Index] = new LinkWriteResult(true, null);
                chunk.Remove(loser);
            }
        }
    }

    private static LinkWriteResult Stored(PlannedWrite write, IReadOnlyList<Response> responses, int offset)
    {
        if (write.Write.Next is not { } next)
        {
            return new LinkWriteResult(false, null);
        }

        var primary = PrimaryRow(next);
        var position = write.Actions.FindIndex(a => a.Entity.RowKey == primary);
        var etag = responses[offset + position].Headers.ETag ?? default;
        return new LinkWriteResult(false, next with { ETag = primary[..1] + "|" + etag });
    }

    private static IEnumerable<List<PlannedWrite>> Chunks(IEnumerable<PlannedWrite> writes)
    {
        var chunk = new List<PlannedWrite>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            var rowKeys = write.Actions.Select(a => a.Entity.RowKey).ToList();
            if (chunk.Count > 0 && (chunk.Sum(c => c.Actions.Count) + write.Actions.Count > MaxTransactionOps || rowKeys.Any(keys.Contains)))
            {
                yield return chunk;
                chunk = [];
                keys.Clear();
            }

            chunk.Add(write);
            keys.UnionWith(rowKeys);
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static List<TableTransactionAction> Operations(LinkWrite write)
    {
        var previousRows = write.Previous is { } previous ? RowsOf(previous) : [];
        var nextRows = write.Next is { } next ? RowsOf(next) : [];
        var (primary, etag) = write.Previous is { } p ? ParseETag(p) : ("", default);
        var actions = new List<TableTransactionAction>();
        foreach (var row in nextRows)
        {
            var entity = ToRow(write.Next!, row);
            actions.Add(previousRows.Contains(row)
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, row.StartsWith(primary, StringComparison.Ordinal) ? etag : ETag.All)
                : new TableTransactionAction(TableTransactionActionType.Add, entity));
        }

        foreach (var row in previousRows.Where(r => !nextRows.Contains(r)))
        {
            actions.Add(new TableTransactionAction(
                TableTransactionActionType.Delete,
                new TableEntity(Partition(write.Previous!.Entity), row),
                row.StartsWith(primary, StringComparison.Ordinal) ? etag : ETag.All));
        }

        return actions;
    }

    private static (string Primary, ETag ETag) ParseETag(Link link)
    {
        // Both rows of a link always change in one transaction, so the ETag of the row it was read from guards both.
        var text = link.ETag ?? throw new InvalidOperationException("A link to replace or delete must come from the store (it has no ETag).");
        var separator = text.IndexOf('|', StringComparison.Ordinal);
        var primary = text[..separator] == "S" ? SalesforceRow : AppRow;
        return (primary, new ETag(text[(separator + 1)..]));
    }

    private static List<string> RowsOf(Link link)
    {
        var rows = new List<string>(2);
        if (link.SalesforceId is { } salesforceId)
        {
            rows.Add(SalesforceRow + salesforceId.Value);
        }

        if (link.AppId is { } appId)
        {
            rows.Add(AppRow + RowKeys.Escape(appId.Value));
            if (HasPendingRow(link))
            {
                rows.Add(PendingRow + RowKeys.Escape(appId.Value));
            }
        }

        return rows;
    }

    /// <summary>What <see cref="ILinkStore.PendingCreatesAsync"/> returns: markers without an id, and links with an unaccounted attempt.</summary>
    private static bool HasPendingRow(Link link) =>
        link.AppId is not null && (link is { State: LinkState.PendingCreateInSalesforce, SalesforceId: null } || link.Unaccounted is not null);

    private static string PrimaryRow(Link link) => RowsOf(link)[0];

    private static string Partition(EntityKind entity) => entity.ToString();

    private static TableEntity ToRow(Link link, string rowKey)
    {
        var row = new TableEntity(Partition(link.Entity), rowKey)
        {
            ["Sf"] = link.SalesforceId?.Value,
            ["App"] = link.AppId?.Value,
            ["State"] = link.State.ToString(),
            ["ParentApp"] = link.ParentAppId?.Value,
            ["SfStamp"] = link.SalesforceStamp,
            ["AppVersion"] = link.AppVersion,
            ["StateSince"] = link.StateSince,
            ["LastSyncedAt"] = link.LastSyncedAt,
            ["HasBase"] = link.Base is not null,
            ["LeaseHolder"] = link.Lease?.Holder,
            ["LeaseUntil"] = link.Lease?.Until,
            ["UnaccountedFrom"] = link.Unaccounted?.From,
            ["UnaccountedTo"] = link.Unaccounted?.To,
            ["OutOfScopeSince"] = link.OutOfScopeSince,
        };
        if (link.Base is { } baseValues)
        {
            EntityBlob.Write(row, "Base", baseValues, StateJson.Options);
        }

        if (link.PendingBase is { } pending)
        {
            EntityBlob.Write(row, "PendingBase", pending, StateJson.Options);
        }

        return row;
    }

    private static Link FromRow(EntityKind entity, TableEntity row) => new(
        entity,
        row.GetString("Sf") is { } sf ? SalesforceId.Parse(sf) : null,
        row.GetString("App") is { } app ? AppId.Parse(app) : null,
        Enum.Parse<LinkState>(row.GetString("State")),
        row.GetBoolean("HasBase") == true ? EntityBlob.Read<Dictionary<string, string?>>(row, "Base", StateJson.Options) ?? [] : null,
        row.GetString("ParentApp") is { } parent ? AppId.Parse(parent) : null,
        row.GetDateTimeOffset("SfStamp"),
        row.GetInt64("AppVersion") ?? 0,
        row.GetDateTimeOffset("StateSince") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("LastSyncedAt"),
        row.RowKey[..1] + "|" + row.ETag,
        row.GetString("LeaseHolder") is { } holder && row.GetDateTimeOffset("LeaseUntil") is { } until ? new LinkLease(holder, until) : null,
        EntityBlob.Read<Dictionary<string, string?>>(row, "PendingBase", StateJson.Options),
        row.GetDateTimeOffset("UnaccountedFrom") is { } from && row.GetDateTimeOffset("UnaccountedTo") is { } to ? new UnaccountedCreate(from, to) : null)
    {
        OutOfScopeSince = row.GetDateTimeOffset("OutOfScopeSince"),
    };

    private sealed record PlannedWrite(int Index, LinkWrite Write, List<TableTransactionAction> Actions);
}
