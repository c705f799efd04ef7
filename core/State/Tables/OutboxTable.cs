using System.Globalization;
using Azure;
using Azure.Data.Tables;
using SfSync.Model;

namespace SfSync.State.Tables;

/// <summary>
/// The plan outbox. Plans of an entity share a partition (<c>plans|Account</c>) with row keys in sequence order, so
/// the open plans are one single-partition query; each plan's batches share a partition (<c>batches|{planId}</c>),
/// so a plan is written and closed in entity group transactions of up to 100 batches.
/// </summary>
internal sealed class OutboxTable(StateTables tables) : IPlanOutbox
{
    public async Task SaveAsync(Plan plan, IReadOnlyList<PlannedBatch> batches, CancellationToken cancellationToken = default)
    {
        var table = await tables.OutboxAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in batches.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(b => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToRow(b))), cancellationToken).ConfigureAwait(false);
        }

        // The plan row last: a plan is never visible without all of its batches.
        await table.UpsertEntityAsync(ToRow(plan), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Plan>> GetOpenPlansAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        var table = await tables.OutboxAsync(cancellationToken).ConfigureAwait(false);
        var plans = new List<Plan>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PlanPartition(entity)}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            plans.Add(FromPlanRow(entity, row));
        }

        return plans.OrderBy(p => p.Sequence).ThenBy(p => p.CreatedAt).ToList();
    }

    public async Task<IReadOnlyList<PlannedBatch>> GetBatchesAsync(string planId, CancellationToken cancellationToken = default)
    {
        var table = await tables.OutboxAsync(cancellationToken).ConfigureAwait(false);
        var batches = new List<PlannedBatch>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {BatchPartition(planId)}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            batches.Add(FromBatchRow(row));
        }

        return batches;
    }

    public async Task<PlannedBatch?> GetBatchAsync(string planId, string batchId, CancellationToken cancellationToken = default)
    {
        var table = await tables.OutboxAsync(cancellationToken).ConfigureAwait(false);
        var row = await TableQueries.GetRowAsync(table, BatchPartition(planId), RowKeys.Escape(batchId), cancellationToken).ConfigureAwait(false);
        return row is null ? null : FromBatchRow(row);
    }

    public async Task<bool> TryUpdateBatchAsync(PlannedBatch batch, CancellationToken cancellationToken = default)
    {
        var table = await tables.OutboxAsync(cancellationToken).ConfigureAwait(false);
        return (await TableQueries.TrySaveAsync(table, ToRow(batch), batch.ETag ?? throw new InvalidOperationException("A batch to update must come from the outbox."), cancellationToken).ConfigureAwait(false)).Saved;
    }

    public async Task CloseAsync(Plan plan, CancellationToken cancellationToken = default)
    {
        var table = await tables.OutboxAsync(cancellationToken).ConfigureAwait(false);
        var batches = await GetBatchesAsync(plan.PlanId, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in batches.Chunk(100))
        {
            await table.SubmitTransactionAsync(
                chunk.Select(b => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(BatchPartition(b.PlanId), RowKeys.Escape(b.BatchId)), ETag.All)),
                cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await table.DeleteEntityAsync(PlanPartition(plan.Entity), PlanRowKey(plan), ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Closed by a concurrent run already.
        }
    }

    private static string PlanPartition(EntityKind entity) => "plans|" + entity;

    private static string BatchPartition(string planId) => "batches|" + RowKeys.Escape(planId);

    private static string PlanRowKey(Plan plan) => plan.Sequence.ToString("D12", CultureInfo.InvariantCulture) + "|" + RowKeys.Escape(plan.PlanId);

    private static TableEntity ToRow(Plan plan)
    {
        var row = new TableEntity(PlanPartition(plan.Entity), PlanRowKey(plan))
        {
            ["PlanId"] = plan.PlanId,
            ["RunId"] = plan.RunId,
            ["Sequence"] = plan.Sequence,
            ["CreatedAt"] = plan.CreatedAt,
            ["BatchCount"] = plan.BatchCount,
            ["HasPosition"] = plan.PositionAfter is not null,
            ["Predecessor"] = plan.Predecessor,
        };
        if (plan.PositionAfter is { } position)
        {
            PositionBlob.Write(row, "Position", position);
        }

        return row;
    }

    private static Plan FromPlanRow(EntityKind entity, TableEntity row)
    {
        var position = row.GetBoolean("HasPosition") == true ? PositionBlob.Read(row, "Position") : null;
        return new Plan(
            row.GetString("PlanId"),
            row.GetString("RunId"),
            entity,
            row.GetInt64("Sequence") ?? 0,
            row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            row.GetInt32("BatchCount") ?? 0,
            position,
            row.ETag.ToString(),
            row.GetString("Predecessor"));
    }

    private static TableEntity ToRow(PlannedBatch batch)
    {
        var row = new TableEntity(BatchPartition(batch.PlanId), RowKeys.Escape(batch.BatchId))
        {
            ["PlanId"] = batch.PlanId,
            ["BatchId"] = batch.BatchId,
            ["RunId"] = batch.RunId,
            ["Entity"] = batch.Entity.ToString(),
            ["Full"] = batch.Full,
            ["Status"] = batch.Status.ToString(),
            ["Attempts"] = batch.Attempts,
            ["EnqueuedAt"] = batch.EnqueuedAt,
            ["NextAttemptAt"] = batch.NextAttemptAt,
            ["LastReason"] = batch.LastReason,
            ["Scheduled"] = batch.Scheduled,
            ["KeyCount"] = batch.Keys.Count,
        };
        EntityBlob.Write(row, "Keys", batch.Keys.Select(k => new[] { k.SalesforceId?.Value, k.AppId?.Value }).ToArray(), StateJson.Options);
        return row;
    }

    private static PlannedBatch FromBatchRow(TableEntity row) => new(
        row.GetString("PlanId"),
        row.GetString("BatchId"),
        row.GetString("RunId") ?? "",
        Enum.Parse<EntityKind>(row.GetString("Entity")),
        (EntityBlob.Read<string?[][]>(row, "Keys", StateJson.Options) ?? [])
            .Select(k => new RecordKey(k[0] is { } s ? SalesforceId.Parse(s) : null, k[1] is { } a ? AppId.Parse(a) : null))
            .ToArray(),
        row.GetBoolean("Full") ?? false,
        Enum.Parse<BatchStatus>(row.GetString("Status")),
        row.GetInt32("Attempts") ?? 1,
        row.GetDateTimeOffset("EnqueuedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("NextAttemptAt"),
        row.GetString("LastReason"),
        row.ETag.ToString(),
        row.GetBoolean("Scheduled") ?? false);
}
