using SfSync.Reconciling;

namespace SfSync.Runs;

/// <summary>
/// Keeps a run's History row true while batches finish concurrently: every change is a read-modify-write
/// under the row's ETag, retried on a lost race.
/// </summary>
internal sealed class RunLedger(IRunHistory history, TimeProvider time)
{
    private const int MaxAttempts = 20;

    public async Task<SyncRun> StartAsync(string runId, RunTrigger trigger, CancellationToken cancellationToken = default)
    {
        var run = new SyncRun(runId, trigger, time.GetUtcNow(), null, RunStatus.Running, 0, 0, BatchSummary.Empty, null);
        if (!await history.TrySaveAsync(run, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Run {runId} already exists.");
        }

        return (await history.GetAsync(runId, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Adds planned batches; a run with none is finished at once.</summary>
    public Task<SyncRun?> AddPlannedAsync(string runId, int batches, string? message, CancellationToken cancellationToken = default) =>
        UpdateAsync(runId, run => Settle(run with { BatchesPlanned = run.BatchesPlanned + batches, Message = message ?? run.Message }), cancellationToken);

    public Task<SyncRun?> AddBatchAsync(string runId, BatchSummary summary, CancellationToken cancellationToken = default) =>
        UpdateAsync(runId, run => Settle(run with { BatchesDone = run.BatchesDone + 1, Totals = run.Totals.Add(summary) }), cancellationToken);

    public Task<SyncRun?> EndAsync(string runId, RunStatus status, string message, CancellationToken cancellationToken = default) =>
        UpdateAsync(runId, run => run with { Status = status, Message = message, EndedAt = time.GetUtcNow() }, cancellationToken);

    private SyncRun Settle(SyncRun run)
    {
        if (run.Status != RunStatus.Running || run.BatchesDone < run.BatchesPlanned)
        {
            return run;
        }

        var failed = run.Totals.Salesforce.Failed + run.Totals.App.Failed > 0;
        return run with { Status = failed ? RunStatus.CompletedWithErrors : RunStatus.Succeeded, EndedAt = time.GetUtcNow() };
    }

    private async Task<SyncRun?> UpdateAsync(string runId, Func<SyncRun, SyncRun> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var run = await history.GetAsync(runId, cancellationToken).ConfigureAwait(false);
            if (run is null)
            {
                return null; // expired by retention, or a batch of a run from another deployment: nothing to keep true
            }

            var next = change(run);
            if (await history.TrySaveAsync(next, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
        }

        throw new InvalidOperationException($"Run {runId} could not be updated after {MaxAttempts} attempts.");
    }
}
