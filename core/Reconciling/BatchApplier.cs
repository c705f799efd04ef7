using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Runs;
using SfSync.Salesforce;
using SfSync.State;
using SfSync.Telemetry;

namespace SfSync.Reconciling;

internal enum BatchApplyStatus
{
    /// <summary>Every key has an outcome (failures included); the batch is done.</summary>
    Applied,

    /// <summary>The outbox already holds this batch as done: a redelivery, answered without touching either side.</summary>
    AlreadyApplied,

    /// <summary>A side was unavailable; the batch waits in the outbox, and on the queue, for its next attempt.</summary>
    Deferred,
}

internal sealed record BatchApplyResult(BatchApplyStatus Status, IReadOnlyList<RecordOutcome> Outcomes, BatchSummary Summary, string? Reason, DateTimeOffset? NextAttemptAt);

/// <summary>
/// Applies one queued batch end to end: skips it when the outbox says it is done, reconciles it, records every
/// record's status, files follow-ups, marks the batch done or deferred and keeps the run's History row true.
/// It never throws for an unavailable side: the batch is deferred and scheduled on the queue for its next attempt
/// (growing delays), and the invocation completes the current message. Follow-ups are scheduled seconds ahead, in the
/// same run. Anything scheduled is recorded in the outbox first, so a lost schedule is re-sent by the planner.
/// </summary>
internal sealed class BatchApplier(
    Reconciler reconciler,
    IPlanOutbox outbox,
    IBatchQueue queue,
    IRecordStatusLog statuses,
    RunLedger ledger,
    IOptions<PlanningOptions> planningOptions,
    TimeProvider time,
    ILogger<BatchApplier> logger)
{
    /// <summary>A contact waiting for its parent is retried this many times (with growing delays) before it waits for its next change.</summary>
    public const int MaxFollowUpAttempts = 8;

    private readonly PlanningOptions _options = planningOptions.Value;

    public async Task<BatchApplyResult> ApplyAsync(SyncBatch batch, CancellationToken cancellationToken = default)
    {
        var stored = await outbox.GetBatchAsync(batch.PlanId, batch.BatchId, cancellationToken).ConfigureAwait(false);
        if (stored is { Status: BatchStatus.Done })
        {
            BatchLog.AlreadyApplied(logger, batch.RunId, batch.BatchId, batch.Entity);
            return new BatchApplyResult(BatchApplyStatus.AlreadyApplied, [], BatchSummary.Empty, null, null);
        }

        if (stored is not null && await ParentsFirst.MustWaitAsync(outbox, stored, cancellationToken).ConfigureAwait(false))
        {
            return await WaitForParentsAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        ReconcileResult result;
        try
        {
            result = await reconciler.ReconcileAsync(batch.Entity, batch.Keys, batch.Full, stored?.EnqueuedAt, cancellationToken).ConfigureAwait(false);
        }
        catch (SideUnavailableException ex)
        {
            var attempts = (stored?.Attempts ?? batch.Attempt) + 1;
            var next = time.GetUtcNow() + _options.DeferralDelay(attempts - 1);
            BatchLog.Deferred(logger, batch.RunId, batch.BatchId, batch.Entity, ex.Side, next, ex.Reason);
            SyncMetrics.Deferred(batch.Entity, ex.Side);
            if (stored is not null)
            {
                var deferred = stored with { Status = BatchStatus.Deferred, Attempts = attempts, NextAttemptAt = next, LastReason = ex.Message, Scheduled = true };
                // Only the delivery that recorded the deferral schedules it: a redelivery racing it must not double it.
                if (await outbox.TryUpdateBatchAsync(deferred, cancellationToken).ConfigureAwait(false))
                {
                    await ScheduleAsync(deferred, cancellationToken).ConfigureAwait(false);
                }
            }

            return new BatchApplyResult(BatchApplyStatus.Deferred, [], BatchSummary.Empty, ex.Message, next);
        }

        await statuses.WriteAsync(result.Outcomes.Select(o => ToStatus(batch, o)).ToArray(), cancellationToken).ConfigureAwait(false);
        await FileFollowUpsAsync(batch, result.FollowUps, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            await MarkDoneAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        var summary = result.Summary;
        await ledger.AddBatchAsync(batch.RunId, summary, cancellationToken).ConfigureAwait(false);
        BatchLog.Applied(logger, batch.RunId, batch.BatchId, batch.Entity, result.Outcomes.Count, summary.Salesforce.Writes, summary.App.Writes, summary.Salesforce.Failed + summary.App.Failed, summary.Conflicts);
        return new BatchApplyResult(BatchApplyStatus.Applied, result.Outcomes, summary, null, null);
    }

    /// <summary>
    /// Applies the batches of one trigger invocation at once. Each is applied exactly as alone — its own outcomes,
    /// deferral and idempotency — but they run concurrently, so their Salesforce reads (and then their writes) arrive
    /// together and share Composite requests (a <see cref="CallGathering"/>): one invocation of five batches costs one
    /// read call and one write call.
    /// A batch that throws fails only its own entry; every other batch is still applied to the end.
    /// </summary>
    public async Task<IReadOnlyList<DeliveredBatch>> ApplyTogetherAsync(IReadOnlyList<DeliveredBatch> delivered, CancellationToken cancellationToken = default)
    {
        var applying = delivered.Select<DeliveredBatch, Func<Task<DeliveredBatch>>>(d => async () =>
        {
            if (d.Batch is null)
            {
                return d;
            }

            // Each batch is a span of the run that sent it, and every log line of its work carries its dimensions.
            var dimensions = Dimensions.Of(d.Batch);
            using var activity = SyncTelemetry.Source.StartActivity($"ApplyBatch {d.Batch.Entity}", ActivityKind.Consumer, d.TraceParent == default ? Activity.Current?.Context ?? default : d.TraceParent);
            foreach (var (key, value) in dimensions)
            {
                activity?.SetTag(key, value);
            }

            using var scope = logger.BeginScope(dimensions);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var result = await ApplyAsync(d.Batch, cancellationToken).ConfigureAwait(false);
                SyncMetrics.Batch(d.Batch, result, Stopwatch.GetElapsedTime(started));
                activity?.SetTag(Dimensions.Outcome, result.Status.ToString());
                return d with { Result = result };
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                return d with { Failure = ex };
            }
        }).ToList();
        return await CallGathering.RunAllAsync(applying).ConfigureAwait(false);
    }

    /// <summary>Syncs one record now (HTTP "sync one record"), as a run of its own with one batch.</summary>
    public async Task<BatchApplyResult> SyncRecordAsync(string runId, EntityKind entity, RecordKey key, CancellationToken cancellationToken = default)
    {
        await ledger.StartAsync(runId, RunTrigger.Record, cancellationToken).ConfigureAwait(false);
        await ledger.AddPlannedAsync(runId, 1, $"One {entity} record.", cancellationToken).ConfigureAwait(false);
        var result = await ApplyAsync(new SyncBatch(Guid.NewGuid().ToString("N"), "record", runId, entity, [key], Full: false, Attempt: 1), cancellationToken).ConfigureAwait(false);
        if (result.Status == BatchApplyStatus.Deferred)
        {
            await ledger.EndAsync(runId, RunStatus.Failed, result.Reason ?? "A side was unavailable.", cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Puts a contact batch back on the queue for when its run's accounts are likely done (<see cref="ParentsFirst"/>).</summary>
    private async Task<BatchApplyResult> WaitForParentsAsync(PlannedBatch stored, CancellationToken cancellationToken)
    {
        var next = time.GetUtcNow() + _options.FollowUpDelay(stored.Attempts);
        var waiting = stored with { Status = BatchStatus.Deferred, Attempts = stored.Attempts + 1, NextAttemptAt = next, LastReason = ParentsFirst.Reason, Scheduled = true };
        if (await outbox.TryUpdateBatchAsync(waiting, cancellationToken).ConfigureAwait(false))
        {
            await ScheduleAsync(waiting, cancellationToken).ConfigureAwait(false);
        }

        return new BatchApplyResult(BatchApplyStatus.Deferred, [], BatchSummary.Empty, ParentsFirst.Reason, next);
    }

    private async Task MarkDoneAsync(PlannedBatch stored, CancellationToken cancellationToken)
    {
        var current = stored;
        for (var attempt = 0; attempt < 5 && current is not null && current.Status != BatchStatus.Done; attempt++)
        {
            if (await outbox.TryUpdateBatchAsync(current with { Status = BatchStatus.Done, NextAttemptAt = null }, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            current = await outbox.GetBatchAsync(stored.PlanId, stored.BatchId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FileFollowUpsAsync(SyncBatch batch, IReadOnlyList<FollowUp> followUps, CancellationToken cancellationToken)
    {
        var attempt = batch.PlanId.StartsWith(Planner.FollowUpPrefix, StringComparison.Ordinal) ? batch.Attempt + 1 : 1;
        if (followUps.Count == 0 || attempt > MaxFollowUpAttempts)
        {
            return;
        }

        // The first follow-ups belong to the batch's run, which stays open until they are applied (a contact waiting for
        // its account lands in the run that brought the account); later attempts are retries that belong to no run.
        var runId = attempt == 1 ? batch.RunId : "";
        var now = time.GetUtcNow();
        var due = now + _options.FollowUpDelay(attempt);
        foreach (var group in followUps.GroupBy(f => (f.Entity, f.Full)))
        {
            var plan = new Plan($"{Planner.FollowUpPrefix}{Guid.NewGuid():N}", batch.RunId, group.Key.Entity, 0, now, 0, null);
            var batches = group.Select(f => f.Key).Distinct().Chunk(200)
                .Select(keys => new PlannedBatch(plan.PlanId, Guid.NewGuid().ToString("N"), runId, group.Key.Entity, keys, group.Key.Full, BatchStatus.Deferred, attempt, now, due, "Follow-up", Scheduled: true))
                .ToList();
            await outbox.SaveAsync(plan with { BatchCount = batches.Count }, batches, cancellationToken).ConfigureAwait(false);
            if (runId.Length > 0)
            {
                await ledger.AddPlannedAsync(runId, batches.Count, null, cancellationToken).ConfigureAwait(false);
            }

            foreach (var followUp in batches)
            {
                await ScheduleAsync(followUp, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Puts a recorded deferred batch on the queue for its next attempt. When the queue refuses, the record says it is
    /// not scheduled, so the planner sends it once it is due; if even that write fails, the planner still sends it a
    /// stall timeout after it was due.
    /// </summary>
    private async Task ScheduleAsync(PlannedBatch recorded, CancellationToken cancellationToken)
    {
        var at = recorded.NextAttemptAt!.Value;
        try
        {
            await queue.ScheduleAsync(SyncBatch.From(recorded), at, cancellationToken).ConfigureAwait(false);
            QueueLog.Scheduled(logger, recorded.RunId, recorded.BatchId, recorded.Entity, recorded.Attempts, at);
        }
        catch (QueueUnavailableException ex)
        {
            QueueLog.NotScheduled(logger, recorded.RunId, recorded.BatchId, recorded.Entity, ex.Message);
            if (await outbox.GetBatchAsync(recorded.PlanId, recorded.BatchId, cancellationToken).ConfigureAwait(false) is { Status: BatchStatus.Deferred, Scheduled: true } current)
            {
                await outbox.TryUpdateBatchAsync(current with { Scheduled = false }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private RecordStatus ToStatus(SyncBatch batch, RecordOutcome outcome)
    {
        var failure = outcome.Salesforce.Kind == OutcomeKind.Failed ? outcome.Salesforce
            : outcome.App.Kind == OutcomeKind.Failed ? outcome.App
            : outcome.Salesforce.Kind == OutcomeKind.Skipped ? outcome.Salesforce
            : outcome.App.Kind == OutcomeKind.Skipped ? outcome.App
            : null;
        var now = time.GetUtcNow();
        var conflicts = outcome.Conflicts.Count == 0
            ? outcome.Warning
            : string.Join("; ", outcome.Conflicts.Select(c => $"{c.Field}: kept Salesforce value, app value was '{c.LostAppValue}'"));
        return new RecordStatus(
            batch.Entity,
            outcome.SalesforceId,
            outcome.AppId,
            batch.RunId,
            batch.BatchId,
            now,
            outcome.Failed ? null : now,
            outcome.Salesforce.ToString(),
            outcome.App.ToString(),
            failure?.Code?.Value,
            failure?.Reason,
            conflicts);
    }
}
