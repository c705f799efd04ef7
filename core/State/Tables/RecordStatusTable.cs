using Azure.Data.Tables;
using SfSync.Model;

namespace SfSync.State.Tables;

/// <summary>
/// Per-record status, one row per record in its entity's partition: <c>S_{salesforceId}</c> once the record has a
/// Salesforce id, else <c>A_{appId}</c>. A batch's 200 statuses are two entity group transactions. Looking up by
/// app id goes through the link to the Salesforce row.
/// </summary>
internal sealed class RecordStatusTable(StateTables tables, ILinkStore links) : IRecordStatusLog
{
    public async Task WriteAsync(IReadOnlyList<RecordStatus> statuses, CancellationToken cancellationToken = default)
    {
        var table = await tables.RecordStatusAsync(cancellationToken).ConfigureAwait(false);
        foreach (var entity in statuses.GroupBy(s => s.Entity))
        {
            var latest = entity.GroupBy(RowKey).Select(g => g.Last());
            foreach (var chunk in latest.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToRow(s))), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<RecordStatus?> FindAsync(EntityKind entity, Side side, string id, CancellationToken cancellationToken = default)
    {
        var table = await tables.RecordStatusAsync(cancellationToken).ConfigureAwait(false);
        string rowKey;
        if (side == Side.Salesforce)
        {
            if (!SalesforceId.TryParse(id, out var salesforceId))
            {
                return null;
            }

            rowKey = "S_" + salesforceId.Value;
        }
        else
        {
            if (!AppId.TryParse(id, out var appId))
            {
                return null;
            }

            var link = (await links.FindAsync(entity, [], [appId], cancellationToken).ConfigureAwait(false)).FirstOrDefault(l => l.AppId == appId);
            rowKey = link?.SalesforceId is { } linked ? "S_" + linked.Value : "A_" + RowKeys.Escape(appId.Value);
        }

        var row = await TableQueries.GetRowAsync(table, entity.ToString(), rowKey, cancellationToken).ConfigureAwait(false);
        return row is null ? null : FromRow(entity, row);
    }

    public async Task<IReadOnlyList<RecordStatus>> ListWithErrorAsync(string errorCode, CancellationToken cancellationToken = default)
    {
        var table = await tables.RecordStatusAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<RecordStatus>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ErrorCode eq {errorCode}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Enum.TryParse<EntityKind>(row.PartitionKey, out var entity))
            {
                found.Add(FromRow(entity, row));
            }
        }

        return found;
    }

    private static string RowKey(RecordStatus status) =>
        status.SalesforceId is { } salesforceId ? "S_" + salesforceId.Value : "A_" + RowKeys.Escape(status.AppId!.Value.Value);

    private static TableEntity ToRow(RecordStatus status) => new(status.Entity.ToString(), RowKey(status))
    {
        ["Sf"] = status.SalesforceId?.Value,
        ["App"] = status.AppId?.Value,
        ["RunId"] = status.RunId,
        ["BatchId"] = status.BatchId,
        ["AttemptedAt"] = status.AttemptedAt,
        ["LastSyncedAt"] = status.LastSyncedAt,
        ["SalesforceOutcome"] = status.SalesforceOutcome,
        ["AppOutcome"] = status.AppOutcome,
        ["ErrorCode"] = status.ErrorCode,
        ["Error"] = Truncate(status.Error),
        ["Conflicts"] = Truncate(status.ConflictSummary),
    };

    private static RecordStatus FromRow(EntityKind entity, TableEntity row) => new(
        entity,
        row.GetString("Sf") is { } sf ? SalesforceId.Parse(sf) : null,
        row.GetString("App") is { } app ? AppId.Parse(app) : null,
        row.GetString("RunId"),
        row.GetString("BatchId"),
        row.GetDateTimeOffset("AttemptedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("LastSyncedAt"),
        row.GetString("SalesforceOutcome"),
        row.GetString("AppOutcome"),
        row.GetString("ErrorCode"),
        row.GetString("Error"),
        row.GetString("Conflicts"));

    // A string property holds 32K UTF-16 characters; the conflict summary of a long Description could exceed that.
    private static string? Truncate(string? text) => text is { Length: > 30_000 } ? text[..30_000] + "…" : text;
}
