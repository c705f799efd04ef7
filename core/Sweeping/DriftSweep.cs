using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Sweeping;

/// <summary>
/// The drift sweep (docs/drift-sweep.md): compares, per entity, the ids on both sides with the links, in keyset pages, and
/// hands every key that disagrees to the ordinary batch path — an outbox plan without a cursor position, sent to
/// sync-batches like the planner's — whose rules decide. It runs in slices bounded by Salesforce calls and time; its
/// positions live in Table Storage, so any slice (a timer tick, the HTTP start) continues where the last one stopped.
/// </summary>
internal sealed class DriftSweep(
    ISalesforceIdPages salesforceIds,
    IAppIdListing appIds,
    ILinkRanges links,
    ISweepStore store,
    IPlanOutbox outbox,
    IBatchQueue queue,
    RunLedger ledger,
    IRunHistory history,
    ISalesforceRecords salesforce,
    IOptions<SweepOptions> sweepOptions,
    IOptions<SyncOptions> syncOptions,
    IOptions<PlanningOptions> planningOptions,
    TimeProvider time,
    ILogger<DriftSweep> logger)
{
    /// <summary>Plans of the sweep carry this prefix, then the run id, the entity and the round.</summary>
    public const string PlanPrefix = "sweep-";

    private SweepOptions Options => sweepOptions.Value;

    /// <summary>Starts a sweep unless one is running, then runs its first slice. The HTTP trigger and a due timer tick call this.</summary>
    public async Task<SweepOutcome> StartAsync(IReadOnlyList<EntityKind> entities, CancellationToken cancellationToken = default)
    {
        var current = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        if (current is { Running: true })
        {
            return new SweepOutcome(SweepCase.AlreadyRunning, current.RunId, Message: $"Sweep {current.RunId} is running (started {current.StartedAt:u}).");
        }

        var runId = RunId.New(time);
        var state = SweepState.Start(runId, entities, time.GetUtcNow()) with { ETag = current?.ETag };
        if (await store.TrySaveAsync(state, cancellationToken).ConfigureAwait(false) is null)
        {
            var winner = await store.GetAsync(cancellationToken).ConfigureAwait(false);
            return new SweepOutcome(SweepCase.AlreadyRunning, winner?.RunId, Message: "Another sweep started at the same moment.");
        }

        SweepLog.Started(logger, runId, entities.Count);
        await EnsureRunAsync(runId, cancellationToken).ConfigureAwait(false);
        var slice = await SliceAsync(cancellationToken).ConfigureAwait(false);
        return slice with { Case = slice.Case is SweepCase.Continued or SweepCase.Finished ? SweepCase.Started : slice.Case, RunId = runId };
    }

    /// <summary>A timer tick: continues the running sweep, or starts one when the last started <c>StartEvery</c> ago or more.</summary>
    public async Task<SweepOutcome> TickAsync(CancellationToken cancellationToken = default)
    {
        var current = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        if (current is { Running: true })
        {
            return await SliceAsync(cancellationToken).ConfigureAwait(false);
        }

        return current is null || time.GetUtcNow() - current.StartedAt >= Options.StartEvery
            ? await StartAsync(EntityKindNames.All, cancellationToken).ConfigureAwait(false)
            : new SweepOutcome(SweepCase.Idle, current.RunId);
    }

    /// <summary>One slice of the running sweep: rounds of one Salesforce call (a page of every entity still scanning) and
    /// one app page per entity, until the calls or the time of a slice are spent or every scan reached its end.</summary>
    public async Task<SweepOutcome> SliceAsync(CancellationToken cancellationToken = default)
    {
        var state = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        if (state is not { Running: true })
        {
            return new SweepOutcome(SweepCase.Idle, state?.RunId);
        }

        var now = time.GetUtcNow();
        if (state.Lease is { } held && held.Until > now)
        {
            return new SweepOutcome(SweepCase.Busy, state.RunId, Message: "Another slice of the sweep is running.");
        }

        var holder = Guid.NewGuid().ToString("N");
        state = state with { Lease = new SweepLease(holder, now + Options.LeaseDuration), Slices = state.Slices + 1 };
        if (await SaveAsync(state, cancellationToken).ConfigureAwait(false) is not { } leased)
        {
            return new SweepOutcome(SweepCase.Busy, state.RunId, Message: "Another slice of the sweep is running.");
        }

        state = leased;
        await EnsureRunAsync(state.RunId, cancellationToken).ConfigureAwait(false);
        if (PausedReason() is { } pause)
        {
            SweepLog.Paused(logger, state.RunId, pause);
            await ReleaseAsync(state, cancellationToken).ConfigureAwait(false);
            await ledger.AddPlannedAsync(state.RunId, 0, $"Sweep paused: {pause} {Progress(state)}", cancellationToken).ConfigureAwait(false);
            return new SweepOutcome(SweepCase.Paused, state.RunId, Message: pause);
        }

        var deadline = now + Options.MaxSliceDuration;
        var calls = 0;
        var batches = 0;
        try
        {
            while (!state.AllDone && calls < Options.MaxSalesforceCallsPerSlice && time.GetUtcNow() < deadline)
            {
                var round = await RoundAsync(state, cancellationToken).ConfigureAwait(false);
                calls += round.Calls;
                batches += round.Batches;
                if (round.State is null)
                {
                    SweepLog.LeaseLost(logger, state.RunId);
                    return new SweepOutcome(SweepCase.Busy, state.RunId, calls, batches, "Another slice took the sweep over.");
                }

                state = round.State;
            }
        }
        catch (SideUnavailableException ex)
        {
            SweepLog.Interrupted(logger, state.RunId, ex.Message);
            await ReleaseAsync(state, cancellationToken).ConfigureAwait(false);
            await ledger.AddPlannedAsync(state.RunId, 0, $"Sweep waiting: {ex.Message}; the next slice reads the same pages. {Progress(state)}", cancellationToken).ConfigureAwait(false);
            return new SweepOutcome(SweepCase.Interrupted, state.RunId, calls, batches, ex.Message);
        }

        if (state.AllDone)
        {
            var ended = await SaveAsync(state with { EndedAt = time.GetUtcNow(), Lease = null }, cancellationToken).ConfigureAwait(false);
            if (ended is null)
            {
                return new SweepOutcome(SweepCase.Busy, state.RunId, calls, batches, "Another slice took the sweep over.");
            }

            var summary = "Sweep done: " + Progress(ended);
            SweepLog.Finished(logger, state.RunId, summary);
            await ledger.AddPlannedAsync(state.RunId, 0, summary, cancellationToken).ConfigureAwait(false);
            // The scan held one batch of its run open (EnsureRunAsync); releasing it lets the run end once its batches are applied.
            await ledger.AddBatchAsync(state.RunId, BatchSummary.Empty, cancellationToken).ConfigureAwait(false);
            SweepLog.SliceEnded(logger, state.RunId, nameof(SweepCase.Finished), calls);
            return new SweepOutcome(SweepCase.Finished, state.RunId, calls, batches, summary);
        }

        await ReleaseAsync(state, cancellationToken).ConfigureAwait(false);
        SweepLog.SliceEnded(logger, state.RunId, nameof(SweepCase.Continued), calls);
        return new SweepOutcome(SweepCase.Continued, state.RunId, calls, batches, "Sweep running: " + Progress(state));
    }

    /// <summary>The sweep's current state, for status answers.</summary>
    public Task<SweepState?> CurrentAsync(CancellationToken cancellationToken = default) => store.GetAsync(cancellationToken);

    private sealed record Round(SweepState? State, int Calls, int Batches);

    private async Task<Round> RoundAsync(SweepState state, CancellationToken cancellationToken)
    {
        var readAt = time.GetUtcNow();
        var scanning = state.Entities.Where(e => !e.SalesforceDone).ToList();
        var read = scanning.Count == 0
            ? new SalesforceIdRead([], 0)
            : await salesforceIds.ReadIdPagesAsync(scanning.Select(e => new SalesforceIdQuery(e.Entity, e.SalesforceAfter, Options.PageSize)).ToList(), cancellationToken).ConfigureAwait(false);
        var pages = read.Pages.ToDictionary(p => p.Entity);

        var appPages = new Dictionary<EntityKind, AppIdPage>();
        foreach (var entity in state.Entities.Where(e => !e.AppDone))
        {
            appPages[entity.Entity] = await appIds.ListIdsAsync(entity.Entity, entity.AppAfter, Options.PageSize, cancellationToken).ConfigureAwait(false);
        }

        var batches = 0;
        var callsToRecord = read.Calls;
        foreach (var entity in state.Entities.Where(e => !e.Done))
        {
            var findings = new List<DriftFinding>();
            var next = entity;
            if (pages.TryGetValue(entity.Entity, out var page))
            {
                var last = page.Rows.Count > 0 ? page.Rows[^1].Id : (SalesforceId?)null;
                var done = !page.HasMore || page.Rows.Count == 0;
                var inRange = await links.BySalesforceRangeAsync(entity.Entity, entity.SalesforceAfter, done ? null : last, cancellationToken).ConfigureAwait(false);
                findings.AddRange(DriftScan.Salesforce(page.Rows, inRange, readAt, Options));
                next = next with { SalesforceAfter = last ?? entity.SalesforceAfter, SalesforceDone = done, SalesforceIds = next.SalesforceIds + page.Rows.Count };
            }

            if (appPages.TryGetValue(entity.Entity, out var appPage))
            {
                var last = appPage.Rows.Count > 0 ? appPage.Rows[^1].Id : (AppId?)null;
                var done = !appPage.HasMore || appPage.Rows.Count == 0;
                var inRange = await links.ByAppRangeAsync(entity.Entity, entity.AppAfter, done ? null : last, cancellationToken).ConfigureAwait(false);
                findings.AddRange(DriftScan.App(appPage.Rows, inRange, readAt, Options));
                next = next with { AppAfter = last ?? entity.AppAfter, AppDone = done, AppIds = next.AppIds + appPage.Rows.Count };
            }

            var keys = DriftScan.KeysToReconcile(findings);
            var planned = await PlanAsync(state.RunId, entity, keys, cancellationToken).ConfigureAwait(false);
            next = next.Count(findings) with { Page = entity.Page + 1, Batches = entity.Batches + planned.Count };

            // Positions and counts move together, after the round's batches are in the outbox: a crash before this write
            // reads the round again and finds its plan; a crash after it never reads the round again.
            var saved = await SaveAsync(state.With(next) with { SalesforceCalls = state.SalesforceCalls + callsToRecord }, cancellationToken).ConfigureAwait(false);
            if (saved is null)
            {
                return new Round(null, read.Calls, batches);
            }

            state = saved;
            callsToRecord = 0;
            SweepLog.Page(logger, state.RunId, entity.Entity, next.Page, page?.Rows.Count ?? 0, appPage?.Rows.Count ?? 0, keys.Count, planned.Count);
            if (planned.Count > 0)
            {
                await ledger.AddPlannedAsync(state.RunId, planned.Count, "Sweep running: " + Progress(state), cancellationToken).ConfigureAwait(false);
                await SendAsync(state.RunId, planned, cancellationToken).ConfigureAwait(false);
                batches += planned.Count;
            }
        }

        return new Round(state, read.Calls, batches);
    }

    /// <summary>The round's batches in the outbox under a plan named after the round: a round read again after a crash
    /// finds the plan it stored before and takes its batches rather than plan the keys twice.</summary>
    private async Task<IReadOnlyList<PlannedBatch>> PlanAsync(string runId, EntitySweep entity, IReadOnlyList<RecordKey> keys, CancellationToken cancellationToken)
    {
        var planId = string.Create(CultureInfo.InvariantCulture, $"{PlanPrefix}{runId}-{entity.Entity.ToString().ToLowerInvariant()}-{entity.Page:D6}");
        var stored = await outbox.GetBatchesAsync(planId, cancellationToken).ConfigureAwait(false);
        if (stored.Count > 0 || keys.Count == 0)
        {
            return stored;
        }

        var now = time.GetUtcNow();
        var batches = keys.Chunk(syncOptions.Value.BatchSize)
            .Select((chunk, i) => new PlannedBatch(planId, string.Create(CultureInfo.InvariantCulture, $"{planId}-{i:D3}"), runId, entity.Entity, chunk, false, BatchStatus.Pending, 1, now, null, null))
            .ToList();
        await outbox.SaveAsync(new Plan(planId, runId, entity.Entity, 0, now, batches.Count, null), batches, cancellationToken).ConfigureAwait(false);
        return batches;
    }

    private async Task SendAsync(string runId, IReadOnlyList<PlannedBatch> batches, CancellationToken cancellationToken)
    {
        try
        {
            // MessageId is batch id and attempt: a round read again after a crash sends the same ids, which the queue's
            // duplicate detection drops.
            var pending = batches.Where(b => b.Status == BatchStatus.Pending).Select(SyncBatch.From).ToList();
            if (pending.Count > 0)
            {
                await queue.SendAsync(pending, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (QueueUnavailableException ex)
        {
            SweepLog.NotSent(logger, runId, batches.Count, ex.Message);
        }
    }

    /// <summary>The run row, created when missing (a crash between the sweep's first save and the row), holding one batch
    /// open — the scan itself — so the run does not end between slices while its batches so far are all applied.</summary>
    private async Task EnsureRunAsync(string runId, CancellationToken cancellationToken)
    {
        if (await history.GetAsync(runId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        await ledger.StartAsync(runId, RunTrigger.Sweep, cancellationToken).ConfigureAwait(false);
        await ledger.AddPlannedAsync(runId, 1, "Sweep started.", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why this slice reads nothing: the planner's API budget applies to the sweep too (it never refreshes the figure
    /// itself; the planner's runs keep it fresh).</summary>
    private string? PausedReason()
    {
        var usage = salesforce.LastUsage;
        var age = usage is null ? TimeSpan.MaxValue : time.GetUtcNow() - usage.ObservedAt;
        var decision = ApiBudget.Decide(usage, age, paused: false, planningOptions.Value);
        return decision == BudgetCase.Pause ? ApiBudget.PausedMessage(decision, usage!, planningOptions.Value) : null;
    }

    private async Task ReleaseAsync(SweepState state, CancellationToken cancellationToken) =>
        await SaveAsync(state with { Lease = null }, cancellationToken).ConfigureAwait(false);

    private Task<SweepState?> SaveAsync(SweepState state, CancellationToken cancellationToken) => store.TrySaveAsync(state, cancellationToken);

    /// <summary>The run row's message: per entity the ids compared and the counts per class, and the calls spent.</summary>
    public static string Progress(SweepState state)
    {
        var parts = state.Entities.Select(e =>
        {
            var counts = DriftClasses.Reconciled.Where(c => e.Counts.GetValueOrDefault(c) > 0).Select(c => $"{c} {e.Counts[c]}");
            var list = string.Join(", ", counts);
            return $"{e.Entity}: {e.SalesforceIds} Salesforce ids, {e.AppIds} app ids{(e.Done ? "" : " so far")}; "
                + (list.Length == 0 ? "no drift" : list) + $"; {e.Batches} batches";
        });
        return string.Join(" | ", parts) + $" | {state.SalesforceCalls} Salesforce calls in {state.Slices} slices.";
    }
}
