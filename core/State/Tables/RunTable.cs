using Azure;
using Azure.Data.Tables;
using SfSync.Reconciling;
using SfSync.Runs;

namespace SfSync.State.Tables;

/// <summary>
/// Run history: each run is two rows of one partition written together — <c>t|{newest-first time}|{runId}</c> for
/// the History grid (a range query, newest first) and <c>id|{runId}</c> for a point read by id. Rows older than the
/// retention are removed, a bounded number at a time, whenever a run starts.
/// </summary>
internal sealed class RunTable(StateTables tables, TimeProvider time, Microsoft.Extensions.Options.IOptions<TableStateOptions> options) : IRunHistory
{
    private const string Partition = "runs";
    private const int PurgePerStart = 50;

    public async Task<SyncRun?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        var table = await tables.RunsAsync(cancellationToken).ConfigureAwait(false);
        var row = await TableQueries.GetRowAsync(table, Partition, IdRow(runId), cancellationToken).ConfigureAwait(false);
        return row is null ? null : FromRow(row);
    }

    public async Task<bool> TrySaveAsync(SyncRun run, CancellationToken cancellationToken = default)
    {
        var table = await tables.RunsAsync(cancellationToken).ConfigureAwait(false);
        var isNew = run.ETag is null;
        var etag = isNew ? default : new ETag(run.ETag!);
        var type = isNew ? TableTransactionActionType.Add : TableTransactionActionType.UpdateReplace;
        try
        {
            await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(type, ToRow(run, IdRow(run.RunId)), etag),
                new TableTransactionAction(type, ToRow(run, TimeRow(run)), isNew ? default : ETag.All),
            ], cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (TableQueries.IsLostRace(ex))
        {
            return false;
        }

        if (isNew)
        {
            await PurgeAsync(table, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public async Task<IReadOnlyList<SyncRun>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        var table = await tables.RunsAsync(cancellationToken).ConfigureAwait(false);
        var cutoff = RowKeys.NewestFirst(time.GetUtcNow() - options.Value.RunRetention);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {"t|"} and RowKey lt {"t|" + cutoff}");
        var runs = new List<SyncRun>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Clamp(max, 1, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            runs.Add(FromRow(row));
            if (runs.Count >= max)
            {
                break;
            }
        }

        return runs;
    }

    private async Task PurgeAsync(TableClient table, CancellationToken cancellationToken)
    {
        var cutoff = RowKeys.NewestFirst(time.GetUtcNow() - options.Value.RunRetention);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {"t|" + cutoff} and RowKey lt {"t}"}");
        var expired = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: PurgePerStart, select: ["PartitionKey", "RowKey", "RunId"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            expired.Add(row);
            if (expired.Count >= PurgePerStart)
            {
                break;
            }
        }

        foreach (var chunk in expired.Chunk(PurgePerStart))
        {
            await table.SubmitTransactionAsync(
                chunk.SelectMany(row => new[]
                {
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, row.RowKey), ETag.All),
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Partition, IdRow(row.GetString("RunId"))), ETag.All),
                }),
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static string IdRow(string runId) => "id|" + RowKeys.Escape(runId);

    private static string TimeRow(SyncRun run) => "t|" + RowKeys.NewestFirst(run.StartedAt) + "|" + RowKeys.Escape(run.RunId);

    private static TableEntity ToRow(SyncRun run, string rowKey)
    {
        // The columns operators filter on in Storage Explorer are plain properties; the totals travel as JSON.
        var row = new TableEntity(Partition, rowKey)
        {
            ["RunId"] = run.RunId,
            ["Trigger"] = run.Trigger.ToString(),
            ["StartedAt"] = run.StartedAt,
            ["EndedAt"] = run.EndedAt,
            ["Status"] = run.Status.ToString(),
            ["BatchesPlanned"] = run.BatchesPlanned,
            ["BatchesDone"] = run.BatchesDone,
            ["Message"] = run.Message,
        };
        EntityBlob.Write(row, "Totals", run.Totals, StateJson.Options);
        return row;
    }

    private static SyncRun FromRow(TableEntity row) => new(
        row.GetString("RunId"),
        Enum.Parse<RunTrigger>(row.GetString("Trigger")),
        row.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("EndedAt"),
        Enum.Parse<RunStatus>(row.GetString("Status")),
        row.GetInt32("BatchesPlanned") ?? 0,
        row.GetInt32("BatchesDone") ?? 0,
        EntityBlob.Read<BatchSummary>(row, "Totals", StateJson.Options) ?? BatchSummary.Empty,
        row.GetString("Message"),
        row.ETag.ToString());
}
