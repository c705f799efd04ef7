using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfSync.App;
using SfSync.Mapping;
using SfSync.Merge;
using SfSync.Model;
using SfSync.Queue;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Planning;

/// <summary>
/// Turns what changed on both sides into batches of at most 200 record keys, and keeps the outbox honest:
/// batches are stored before they are sent to the queue, a cursor is committed only once every batch planned before it
/// is done, stalled batches are sent again, deferred ones when they are due. Reads only ids, stamps and (for
/// echo detection) the mapped values the same query returns, so an idle run costs one Salesforce call.
/// </summary>
internal sealed class Planner(
    ISalesforceRecords salesforce,
    IAppRecords app,
    ILinkStore links,
    ICursorStore cursors,
    IPlanOutbox outbox,
    IBatchQueue queue,
    RunLedger ledger,
    IRunHistory history,
    SyncMap map,
    IOptions<SyncOptions> syncOptions,
    IOptions<PlanningOptions> planningOptions,
    TimeProvider time,
    ILogger<Planner> logger,
    Scope.ScopeWatch scopes)
{
    /// <summary>Plans of follow-up keys carry this prefix; they hold no cursor position and are adopted by the next run.</summary>
    public const string FollowUpPrefix = "followup-";

    /// <summary>How many of the newest run-history rows are scanned for the latest planner run (single-record syncs and
    /// unreadable messages have rows too).</summary>
    private const int RunsScannedForPause = 20;

    private readonly SyncOptions _sync = syncOptions.Value;
    private readonly PlanningOptions _options = planningOptions.Value;

    /// <summary>Plans a run and sends its batches (new ones, and recorded ones that are due again) to the queue.</summary>
    public async Task<PlanOutcome> PlanAsync(PlanRequest request, CancellationToken cancellationToken = default)
    {
        var outcome = await PlanBatchesAsync(request, cancellationToken).ConfigureAwait(false);
        if (outcome.Messages.Count == 0)
        {
            return outcome;
        }

        try
        {
            await queue.SendAsync(outcome.Messages, cancellationToken).ConfigureAwait(false);
            QueueLog.Sent(logger, request.RunId, outcome.Messages.Count);
            return outcome;
        }
        catch (QueueUnavailableException ex)
        {
            // Every batch is in the outbox as sent now: the stall re-send sends what the queue did not take.
            QueueLog.NotSent(logger, request.RunId, outcome.Messages.Count, ex.Message);
            var note = $"{outcome.NewKeys} changed records in {outcome.NewBatches} batches ({outcome.ResentBatches} sent again), recorded, but the queue did not take them all ({ex.Message}); they are sent again after the stall timeout ({_options.StallTimeout}).";
            await ledger.AddPlannedAsync(request.RunId, 0, note, cancellationToken).ConfigureAwait(false);
            return outcome with { SendError = ex.Message };
        }
    }

    private async Task<PlanOutcome> PlanBatchesAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        await ledger.StartAsync(request.RunId, request.Trigger, cancellationToken).ConfigureAwait(false);
        var messages = new List<SyncBatch>();
        var resent = 0;
        var adopted = 0;
        foreach (var entity in request.Entities)
        {
            var (resentHere, adoptedHere) = await RecoverAsync(entity, request.RunId, messages, cancellationToken).ConfigureAwait(false);
            resent += resentHere;
            adopted += adoptedHere;
        }

        var budget = await CheckBudgetAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        if (budget.PausedReason is { } pause)
        {
            PlanLog.PlanningPaused(logger, request.RunId, pause);
            await ledger.AddPlannedAsync(request.RunId, adopted, null, cancellationToken).ConfigureAwait(false);
            await ledger.EndAsync(request.RunId, RunStatus.Paused, pause, cancellationToken).ConfigureAwait(false);
            return new PlanOutcome(request.RunId, messages, 0, 0, resent, pause);
        }

        if (budget.Resumed is { } resumed)
        {
            PlanLog.PlanningResumed(logger, request.RunId, resumed);
        }

        var newBatches = 0;
        var newKeys = 0;
        var scopeNote = "";
        try
        {
            // A changed scope re-reads its entity from the start, so what entered and what left it are reconciled.
            var rescoped = await scopes.ChangedAsync(request.Entities, cancellationToken).ConfigureAwait(false);
            request = request with { FullFor = rescoped.Keys.ToHashSet() };
            var states = new Dictionary<EntityKind, CursorState>();
            foreach (var entity in request.Entities)
            {
                states[entity] = await cursors.GetAsync(entity, cancellationToken).ConfigureAwait(false) ?? CursorState.Initial(entity);
            }

            var salesforceChanges = await ReadSalesforceAsync(request, states, cancellationToken).ConfigureAwait(false);
            foreach (var entity in request.Entities)
            {
                var (batches, keys) = await PlanEntityAsync(request, states[entity], salesforceChanges[entity], messages, cancellationToken).ConfigureAwait(false);
                newBatches += batches;
                newKeys += keys;
            }

            await scopes.AcknowledgeAsync(rescoped, cancellationToken).ConfigureAwait(false);
            scopeNote = string.Concat(rescoped.Select(r => $" The {r.Key} scope changed (now {r.Value}): {r.Key} re-read from the start."));
        }
        catch (SideUnavailableException ex)
        {
            // Nothing was planned past the cursors, so nothing is skipped: the next run reads the same changes.
            await ledger.AddPlannedAsync(request.RunId, adopted, null, cancellationToken).ConfigureAwait(false);
            await ledger.EndAsync(request.RunId, RunStatus.Failed, $"Planning stopped: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return new PlanOutcome(request.RunId, messages, 0, 0, resent, null);
        }

        var message = (newBatches == 0 && adopted == 0 ? "No changes." : $"{newKeys} changed records in {newBatches} batches.") + scopeNote;
        if (budget.Resumed is { } resumedMessage)
        {
            message = resumedMessage + " " + message;
        }

        await ledger.AddPlannedAsync(request.RunId, newBatches + adopted, message, cancellationToken).ConfigureAwait(false);
        if (salesforce.LastUsage is { } after && ApiBudget.Decide(after, Age(after), paused: false, _options) == BudgetCase.Pause)
        {
            // Reading pushed usage over the threshold: what is planned goes out, and the next run pauses and says why.
            PlanLog.UsageAboveThreshold(logger, request.RunId, after.Used, after.DailyMax);
        }

        return new PlanOutcome(request.RunId, messages, newBatches, newKeys, resent, null);
    }

    // ---- The API budget (architecture brief §6.6) ----

    /// <summary>What this run does about the API budget: <see cref="ApiBudget.Decide"/> on the last usage figure and on
    /// whether the planner is paused, refreshing the figure once (one small Limits call) when a paused planner has none
    /// fresh enough. Paused means the latest planner run in the run history ended Paused, so a restart keeps it.</summary>
    private async Task<BudgetCheck> CheckBudgetAsync(string runId, CancellationToken cancellationToken)
    {
        var paused = await IsPausedAsync(runId, cancellationToken).ConfigureAwait(false);
        var usage = salesforce.LastUsage;
        var decision = ApiBudget.Decide(usage, Age(usage), paused, _options);
        if (decision == BudgetCase.Refresh)
        {
            try
            {
                usage = await salesforce.ReadUsageAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SideUnavailableException ex)
            {
                // Still paused: resuming on no figure at all is what the pause is there to prevent.
                return new BudgetCheck(BudgetCase.StayPaused, $"Paused (still): the Salesforce API usage could not be read ({ex.Message}); planning resumes once a reading is below {ApiBudget.ResumeLevel(_options):P1}.", null);
            }

            decision = ApiBudget.Decide(usage, TimeSpan.Zero, paused, _options);
        }

        return decision switch
        {
            BudgetCase.Pause or BudgetCase.StayPaused => new BudgetCheck(decision, ApiBudget.PausedMessage(decision, usage!, _options), null),
            BudgetCase.Resume => new BudgetCheck(decision, null, ApiBudget.ResumedMessage(usage!, _options)),
            _ => new BudgetCheck(decision, null, null),
        };
    }

    private async Task<bool> IsPausedAsync(string runId, CancellationToken cancellationToken)
    {
        var runs = await history.ListAsync(RunsScannedForPause, cancellationToken).ConfigureAwait(false);
        var latest = runs.FirstOrDefault(r => r.RunId != runId && r.Trigger is RunTrigger.Timer or RunTrigger.Http or RunTrigger.Resync);
        return latest?.Status == RunStatus.Paused;
    }

    private TimeSpan Age(ApiUsage? usage) => usage is null ? TimeSpan.MaxValue : time.GetUtcNow() - usage.ObservedAt;

    private sealed record BudgetCheck(BudgetCase Case, string? PausedReason, string? Resumed);

    // ---- Recovery: commit cursors, re-send stalled and due batches ----

    private async Task<(int Resent, int Adopted)> RecoverAsync(EntityKind entity, string runId, List<SyncBatch> messages, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // The cursor before the plans: every plan it names was saved before it, so the chain is complete in the list.
        var state = await cursors.GetAsync(entity, cancellationToken).ConfigureAwait(false);
        var plans = await outbox.GetOpenPlansAsync(entity, cancellationToken).ConfigureAwait(false);
        var resent = 0;
        var adopted = 0;
        FeedPosition? commitTo = null;
        var committable = new List<Plan>();
        var blocked = false;
        var winners = Winners(plans, state);
        foreach (var plan in plans)
        {
            if (plan.PositionAfter is not null && winners is not null && !winners.Contains(plan.PlanId)
                && (plan.Sequence <= state!.PlanSequence || now - plan.CreatedAt >= _options.StallTimeout))
            {
                // A planner that lost the race for the cursor and could not withdraw its plan (it died in between): the
                // winner read from the same position, and what this one read beyond it the next plans read, so it goes.
                // One numbered past the cursor may still be on its way to the cursor, unless it is older than any
                // invocation lives; committing it would move the committed cursor back to the loser's read (seed 182449).
                PlanLog.OrphanPlanClosed(logger, entity, plan.PlanId, plan.Sequence);
                await outbox.CloseAsync(plan, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var batches = await outbox.GetBatchesAsync(plan.PlanId, cancellationToken).ConfigureAwait(false);
            if (batches.Count < plan.BatchCount)
            {
                continue; // being closed by the planner that lost the race for the cursor (its batches go first)
            }

            var allDone = true;
            foreach (var batch in batches.Where(b => b.Status != BatchStatus.Done))
            {
                allDone = false;
                if (!IsDue(batch, now))
                {
                    continue;
                }

                // A batch that belongs to no run (a later follow-up) is counted by the run that sends it.
                var adopt = batch.RunId.Length == 0;
                var next = batch with
                {
                    Status = BatchStatus.Pending,
                    Attempts = batch.Attempts + 1,
                    EnqueuedAt = now,
                    NextAttemptAt = null,
                    Scheduled = false,
                    RunId = adopt ? runId : batch.RunId,
                };
                if (await outbox.TryUpdateBatchAsync(next, cancellationToken).ConfigureAwait(false))
                {
                    PlanLog.BatchResent(logger, next.RunId, entity, next.BatchId, next.Attempts, batch.Status.ToString(), batch.LastReason);
                    messages.Add(SyncBatch.From(next));
                    resent++;
                    adopted += adopt ? 1 : 0;
                }
            }

            if (plan.PositionAfter is null)
            {
                if (allDone)
                {
                    await outbox.CloseAsync(plan, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (allDone && !blocked)
            {
                commitTo = plan.PositionAfter;
                committable.Add(plan);
            }
            else
            {
                blocked = true;
            }
        }

        await CommitAsync(entity, commitTo, committable, openPositionPlans: plans.Count(p => p.PositionAfter is not null), cancellationToken).ConfigureAwait(false);
        return (resent, adopted);
    }

    /// <summary>
    /// Whether the planner sends an unfinished batch now: a pending one that stalled (its message was lost, dead-lettered
    /// or never sent), a deferred one that is due and not on the queue, or a scheduled one still not done a stall timeout
    /// after it was due (the queue lost it).
    /// </summary>
    private bool IsDue(PlannedBatch batch, DateTimeOffset now) => batch.Status switch
    {
        BatchStatus.Pending => now - batch.EnqueuedAt >= _options.StallTimeout,
        BatchStatus.Deferred when batch.Scheduled => batch.NextAttemptAt + _options.StallTimeout <= now,
        BatchStatus.Deferred => batch.NextAttemptAt <= now,
        _ => false,
    };

    /// <summary>The plans that won the cursor, back from the one that moved it last; null for a cursor written before
    /// plans were chained, whose plans are all taken as winners.</summary>
    private static HashSet<string>? Winners(IReadOnlyList<Plan> plans, CursorState? state)
    {
        if (state?.PlannedBy is not { } last)
        {
            return null;
        }

        var byId = plans.ToDictionary(p => p.PlanId);
        var winners = new HashSet<string>(StringComparer.Ordinal);
        for (var id = last; id is not null && byId.TryGetValue(id, out var plan) && winners.Add(id); id = plan.Predecessor)
        {
        }

        return winners;
    }

    private async Task CommitAsync(EntityKind entity, FeedPosition? commitTo, List<Plan> committable, int openPositionPlans, CancellationToken cancellationToken)
    {
        var state = await cursors.GetAsync(entity, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return;
        }

        CursorState next;
        if (commitTo is not null)
        {
            next = state with { Committed = commitTo };
        }
        else if (openPositionPlans == 0 && state.Planned != state.Committed)
        {
            // The outbox holds no plan between the two cursors (expired or lost): the planned cursor cannot be
            // trusted, so read again from the committed one. Re-reading is safe; skipping is not.
            next = state with { Planned = state.Committed };
        }
        else
        {
            return;
        }

        if (await cursors.TrySaveAsync(next, cancellationToken).ConfigureAwait(false))
        {
            foreach (var plan in committable)
            {
                PlanLog.CursorCommitted(logger, entity, plan.PlanId);
                await outbox.CloseAsync(plan, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // ---- Reading the feeds ----

    /// <summary>
    /// Reads each entity's Salesforce changes: everything stamped from the watermark on, and — while the late-commit
    /// window since the last settled read is open — people's records stamped in it (our own writes are never late). The
    /// first page of every query travels in one Composite call, so an idle run is one call; later pages of all entities
    /// that have more travel together too.
    /// </summary>
    private async Task<Dictionary<EntityKind, SalesforceFeedRead>> ReadSalesforceAsync(PlanRequest request, Dictionary<EntityKind, CursorState> states, CancellationToken cancellationToken)
    {
        var reads = new List<FeedQuery>();
        foreach (var entity in request.Entities)
        {
            var position = states[entity].Planned;
            var watermark = request.IsFull(entity) ? null : position.SalesforceWatermark;
            reads.Add(new FeedQuery(new SalesforceChangeQuery(entity, watermark ?? DateTimeOffset.MinValue, null, _options.ChangePageSize), late: false));
            if (watermark is { } w && LateFrom(position) is { } lateFrom && lateFrom < w)
            {
                reads.Add(new FeedQuery(new SalesforceChangeQuery(entity, lateFrom, null, _options.ChangePageSize, Before: w, OthersOnly: true), late: true));
            }
        }

        DateTimeOffset? readAt = null;
        var committed = new Dictionary<EntityKind, DateTimeOffset?>();
        var first = true;
        var pending = reads;
        while (pending.Count > 0)
        {
            SplitLateWindows(pending, reads, states);
            var pages = await salesforce.ReadChangesAsync(pending.Select(r => r.Query).ToList(), cancellationToken).ConfigureAwait(false);
            if (first)
            {
                readAt = pages.Select(p => p.ReadAt).Min();
                foreach (var entity in request.Entities)
                {
                    var said = pages.Where(p => p.Entity == entity).Select(p => p.Committed).ToList();
                    committed[entity] = said.Count > 0 && said.All(c => c is not null) ? said.Min() : null;
                }

                first = false;
            }

            var next = new List<FeedQuery>();
            foreach (var (read, page) in pending.Zip(pages))
            {
                read.Add(page.Changes, request.IsFull(read.Query.Entity) ? null : states[read.Query.Entity].Planned.RecentSalesforce, map.For(read.Query.Entity));
                read.HasMore = page.HasMore && page.Changes.Count > 0;
                // Only rows still to plan count against MaxKeysPerRun: counting the remembered overlap too would stop a
                // window fuller than the limit at the same rows on every run, and the watermark would never move again.
                if (read.HasMore && reads.Where(r => r.Query.Entity == read.Query.Entity).Sum(r => r.ToPlan) < _options.MaxKeysPerRun)
                {
                    var last = read.Changes[^1];
                    read.Query = read.Query with { From = last.SystemModstamp, AfterId = last.Id };
                    next.Add(read);
                }
            }

            pending = next;
        }

        return request.Entities.ToDictionary(e => e, e => new SalesforceFeedRead(
            reads.Where(r => r.Query.Entity == e).SelectMany(r => r.Changes).ToList(),
            readAt,
            LateWindowRead: reads.Where(r => r.Query.Entity == e && r.Late).All(r => !r.HasMore),
            LateRows: reads.Where(r => r.Query.Entity == e && r.Late).Sum(r => r.Changes.Count),
            Committed: committed.GetValueOrDefault(e)));
    }

    /// <summary>
    /// Fills the free query slots of the next call with parts of the late-commit windows still to read: the widest
    /// window (by the versions the overlap memory remembers in it) is cut at the quantiles of its remembered stamps into
    /// as many parts of at most a page as the slots allow, until the call carries
    /// <see cref="SalesforceChangeQuery.PerCall"/> queries or no window holds more than a page. The parts cover the
    /// window exactly (each ends before the next one's first stamp; the first keeps its keyset position), so nothing is
    /// read twice or skipped; the memory only chooses where to cut. So people's bulk change of 5,000 records inside the
    /// lookback is re-read in the run's one call, 10,000 in two rather than five — every row of it still read, which the
    /// late-commit safety needs (docs/engine.md: why no aggregate can stand in for the rows).
    /// </summary>
    private void SplitLateWindows(List<FeedQuery> pending, List<FeedQuery> reads, Dictionary<EntityKind, CursorState> states)
    {
        while (pending.Count < SalesforceChangeQuery.PerCall)
        {
            FeedQuery? widest = null;
            List<DateTimeOffset> stamps = [];
            foreach (var read in pending.Where(r => r.Late))
            {
                var remembered = RememberedStamps(read.Query, states[read.Query.Entity].Planned.RecentSalesforce);
                if (remembered.Count > stamps.Count)
                {
                    (widest, stamps) = (read, remembered);
                }
            }

            if (widest is null || stamps.Count <= _options.ChangePageSize)
            {
                return;
            }

            var parts = Math.Min((stamps.Count + _options.ChangePageSize - 1) / _options.ChangePageSize, SalesforceChangeQuery.PerCall - pending.Count + 1);
            var cuts = Enumerable.Range(1, parts - 1)
                .Select(j => stamps[(int)((long)stamps.Count * j / parts)])
                .Where(cut => cut > widest.Query.From)
                .Distinct()
                .ToList();
            if (cuts.Count == 0)
            {
                return; // every remembered version shares the window's first second: nothing to cut at
            }

            var before = widest.Query.Before;
            widest.Query = widest.Query with { Before = cuts[0] };
            for (var j = 0; j < cuts.Count; j++)
            {
                var part = new FeedQuery(widest.Query with { From = cuts[j], AfterId = null, Before = j + 1 < cuts.Count ? cuts[j + 1] : before }, late: true);
                pending.Add(part);
                if (!ReferenceEquals(pending, reads))
                {
                    reads.Add(part); // the first call's pending list is the list of all reads
                }
            }
        }
    }

    /// <summary>The remembered stamps inside what a late-window query has still to read, in order.</summary>
    private static List<DateTimeOffset> RememberedStamps(SalesforceChangeQuery query, IReadOnlyDictionary<SalesforceId, SeenVersion> recent) =>
        recent
            .Where(p => (p.Value.SystemModstamp > query.From || (p.Value.SystemModstamp == query.From && (query.AfterId is not { } after || string.CompareOrdinal(p.Key.Value, after.Value) > 0)))
                && (query.Before is not { } before || p.Value.SystemModstamp < before))
            .Select(p => p.Value.SystemModstamp)
            .Order()
            .ToList();

    /// <summary>Where the late-commit window of a position starts: its settled point, or the whole lookback for a position
    /// written before settled points existed.</summary>
    private DateTimeOffset? LateFrom(FeedPosition position) =>
        position.SalesforceSettled ?? position.SalesforceWatermark - _options.SalesforceLookback;

    /// <summary>
    /// The settled point after this read, at most the new watermark: what the org said is committed (every record stamped
    /// before it was visible to the read), or — when it did not say — the read's time minus the lookback, the guess that
    /// no transaction runs longer. From there on is what the next runs still re-read. It stays where it was when neither
    /// is known or the late window was not read to its end.
    /// </summary>
    private DateTimeOffset? Settled(FeedPosition previous, DateTimeOffset? watermark, SalesforceFeedRead read)
    {
        if (watermark is not { } w || (read.Committed ?? read.ReadAt - _options.SalesforceLookback) is not { } settled || !read.LateWindowRead)
        {
            return previous.SalesforceSettled;
        }

        if (previous.SalesforceSettled is { } kept && kept <= settled && previous.SalesforceWatermark == watermark && read.LateRows == 0)
        {
            // The window held nobody's records: narrowing it would save no call, only cost the cursor write an idle run
            // must not make. Widening it is another matter: the org says a transaction open since before the kept point
            // may still commit there (an earlier settled point was only the lookback's guess).
            return kept;
        }

        return settled < w ? settled : w;
    }

    /// <summary>One query of the change feed and what its pages returned.</summary>
    private sealed class FeedQuery(SalesforceChangeQuery query, bool late)
    {
        public SalesforceChangeQuery Query { get; set; } = query;

        public bool Late { get; } = late;

        public List<SalesforceChange> Changes { get; } = [];

        public int ToPlan { get; private set; }

        public bool HasMore { get; set; }

        public void Add(IReadOnlyList<SalesforceChange> rows, IReadOnlyDictionary<SalesforceId, SeenVersion>? recent, EntityMap entityMap)
        {
            Changes.AddRange(rows);
            ToPlan += recent is null ? rows.Count : rows.Count(c => !Overlap.Decide(Remembered(recent, c.Id), Overlap.VersionOf(entityMap, c)).Skips());
        }
    }

    private async Task<(List<AppChange> Changes, string? Cursor)> ReadAppAsync(EntityKind entity, string? cursor, CancellationToken cancellationToken)
    {
        var changes = new List<AppChange>();
        while (true)
        {
            var page = await app.ReadChangesAsync(entity, cursor, _options.ChangePageSize, cancellationToken).ConfigureAwait(false);
            changes.AddRange(page.Changes);
            cursor = page.NextCursor ?? cursor;
            if (!page.HasMore || page.Changes.Count == 0 || changes.Count >= _options.MaxKeysPerRun)
            {
                return (changes, cursor);
            }
        }
    }

    // ---- Planning one entity ----

    /// <summary>
    /// A run that loses the cursor race withdraws its plan: the winner read the same changes. A full re-sync's winner did
    /// not (it planned changes only), so a full re-sync plans again on the winner's cursor rather than planning nothing
    /// (its Salesforce read is from the start, so it still holds everything). After three lost races in a row it gives up
    /// as any run does (the CursorRace warning names it).
    /// </summary>
    private async Task<(int Batches, int Keys)> PlanEntityAsync(PlanRequest request, CursorState state, SalesforceFeedRead feed, List<SyncBatch> messages, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (batches, keys, lostRace) = await PlanEntityOnceAsync(request, state, feed, messages, cancellationToken).ConfigureAwait(false);
            if (!lostRace || !request.IsFull(state.Entity) || attempt == FullResyncRaceAttempts)
            {
                return (batches, keys);
            }

            state = await cursors.GetAsync(state.Entity, cancellationToken).ConfigureAwait(false) ?? CursorState.Initial(state.Entity);
        }
    }

    private const int FullResyncRaceAttempts = 3;

    private async Task<(int Batches, int Keys, bool LostRace)> PlanEntityOnceAsync(PlanRequest request, CursorState state, SalesforceFeedRead feed, List<SyncBatch> messages, CancellationToken cancellationToken)
    {
        var salesforceChanges = feed.Changes;
        var entity = state.Entity;
        var position = request.IsFull(entity) ? FeedPosition.Start : state.Planned;
        var (appChanges, appCursor) = await ReadAppAsync(entity, position.AppCursor, cancellationToken).ConfigureAwait(false);

        // Latest entry per id; the Salesforce overlap window minus the versions an earlier run already planned (same
        // stamp and same fingerprint: a newer version under the same second is planned).
        var entityMap = map.For(entity);
        var salesforceRead = salesforceChanges
            .GroupBy(c => c.Id)
            .Select(g => g.MaxBy(c => c.SystemModstamp)!)
            .Select(c => (Change: c, Version: Overlap.VersionOf(entityMap, c)))
            .ToList();
        var salesforceLatest = salesforceRead
            .Where(r => request.IsFull(entity) || !Overlap.Decide(Remembered(state.Planned.RecentSalesforce, r.Change.Id), r.Version).Skips())
            .Select(r => r.Change)
            .ToList();
        var appLatest = appChanges.GroupBy(c => c.Id).Select(g => g.MaxBy(c => c.Version)!).ToList();

        var known = await links.FindAsync(
            entity,
            salesforceLatest.Select(c => c.Id).ToHashSet(),
            appLatest.Select(c => c.Id).ToHashSet(),
            cancellationToken).ConfigureAwait(false);
        var bySalesforce = known.Where(l => l.SalesforceId is not null).GroupBy(l => l.SalesforceId!.Value).ToDictionary(g => g.Key, g => g.First());
        var byApp = known.Where(l => l.AppId is not null).GroupBy(l => l.AppId!.Value).ToDictionary(g => g.Key, g => g.First());

        var keys = new Dictionary<string, RecordKey>(StringComparer.Ordinal);
        var skipped = 0;
        foreach (var change in salesforceLatest)
        {
            var link = bySalesforce.GetValueOrDefault(change.Id);
            if (!request.IsFull(entity) && IsSalesforceEcho(entity, change, link))
            {
                skipped++;
                continue;
            }

            AddKey(keys, link, RecordKey.ForSalesforce(change.Id));
        }

        foreach (var change in appLatest)
        {
            var link = byApp.GetValueOrDefault(change.Id);
            if (!request.IsFull(entity) && link is { State: LinkState.Active } && change.Version <= link.AppVersion)
            {
                skipped++; // our own write coming back, or a version already reconciled
                continue;
            }

            AddKey(keys, link, RecordKey.ForApp(change.Id));
        }

        skipped += salesforceChanges.Count - salesforceLatest.Count;
        var watermark = Watermark(state.Planned.SalesforceWatermark, salesforceChanges);
        var settled = Settled(state.Planned, watermark, feed);
        var (recent, forgotten) = Recent(state.Planned.RecentSalesforce, salesforceRead.Select(r => (r.Change.Id, r.Version)), watermark, settled);
        if (forgotten > 0)
        {
            PlanLog.OverlapMemoryFull(logger, request.RunId, entity, forgotten, FeedPosition.MaxRecent);
        }

        var newPosition = new FeedPosition(watermark, recent, appCursor, settled);
        if (keys.Count == 0 && newPosition == state.Planned)
        {
            // Converged: nothing to plan and the position did not move, so nothing is written.
            return (0, 0, false);
        }

        var sequence = state.PlanSequence + 1;
        var plan = new Plan($"{entity.ToString().ToLowerInvariant()}-{sequence:D10}-{Guid.NewGuid():N}", request.RunId, entity, sequence, time.GetUtcNow(), 0, newPosition, Predecessor: state.PlannedBy);
        var batches = keys.Values
            .Chunk(_sync.BatchSize)
            .Select(chunk => new PlannedBatch(plan.PlanId, Guid.NewGuid().ToString("N"), request.RunId, entity, chunk, request.Full, BatchStatus.Pending, 1, time.GetUtcNow(), null, null))
            .ToList();
        plan = plan with { BatchCount = batches.Count };

        // Outbox first, cursor second: a crash in between leaves a plan the next run re-sends, never a gap.
        await outbox.SaveAsync(plan, batches, cancellationToken).ConfigureAwait(false);
        if (!await cursors.TrySaveAsync(state with { Planned = newPosition, PlanSequence = sequence, PlannedBy = plan.PlanId }, cancellationToken).ConfigureAwait(false))
        {
            PlanLog.CursorRace(logger, request.RunId, entity);
            await outbox.CloseAsync(plan, cancellationToken).ConfigureAwait(false);
            return (0, 0, true);
        }

        messages.AddRange(batches.Select(SyncBatch.From));
        PlanLog.EntityPlanned(logger, request.RunId, entity, keys.Count, batches.Count, skipped);
        if (batches.Count == 0)
        {
            // Only the position moved (echoes, already-planned overlap): commit it in order with the plans before it.
            await RecoverAsync(entity, request.RunId, [], cancellationToken).ConfigureAwait(false);
        }

        return (batches.Count, keys.Count, false);
    }

    private static void AddKey(Dictionary<string, RecordKey> keys, Link? link, RecordKey fromFeed)
    {
        // One key per linked record, whichever side (or both) changed.
        var (identity, key) = link is null
            ? (fromFeed.ToString(), fromFeed)
            : ($"link:{link.SalesforceId}|{link.AppId}", new RecordKey(link.SalesforceId ?? fromFeed.SalesforceId, link.AppId ?? fromFeed.AppId));
        keys.TryAdd(identity, key);
    }

    /// <summary>
    /// A Salesforce change whose mapped values equal the last agreed base has nothing to push: it is our own write
    /// coming back (or a system-only bump such as an e-mail bounce flag). Dropping it here saves the batch's read call.
    /// Deletions are never dropped.
    /// </summary>
    private bool IsSalesforceEcho(EntityKind entity, SalesforceChange change, Link? link)
    {
        if (change.IsDeleted || change.Fields is null || link is not { State: LinkState.Active, Base: { } baseValues })
        {
            return false;
        }

        foreach (var field in map.For(entity).Fields)
        {
            if (!baseValues.TryGetValue(field.AppField, out var agreed) || !FieldValue.AreEqual(field.ReadSalesforce(change.Fields), agreed, field.Comparison))
            {
                return false;
            }
        }

        return entity != EntityKind.Contact
            || (baseValues.TryGetValue(Reconciler.ParentBaseKey, out var parent) && FieldValue.AreEqual(change.ParentId?.Value, parent, FieldComparison.Text));
    }

    private static DateTimeOffset? Watermark(DateTimeOffset? current, IReadOnlyList<SalesforceChange> changes)
    {
        if (changes.Count == 0)
        {
            return current;
        }

        var max = changes.Max(c => c.SystemModstamp);
        return current is null || max > current ? max : current;
    }

    private static SeenVersion? Remembered(IReadOnlyDictionary<SalesforceId, SeenVersion> recent, SalesforceId id) =>
        recent.TryGetValue(id, out var seen) ? seen : null;

    /// <summary>
    /// The overlap memory after this read: every version read now (planned or dropped as an echo) replaces what was
    /// remembered for its id, and everything whose stamp is still inside the lookback window below the watermark is
    /// kept — the whole window, and further back while the settled point is (a transaction the org says is still open),
    /// so that nothing the next run re-reads is planned again. Only past
    /// <see cref="FeedPosition.MaxRecent"/> (what one table row holds) are the oldest forgotten; they are then planned
    /// again, never skipped. Returns how many were forgotten that way.
    /// </summary>
    private (Dictionary<SalesforceId, SeenVersion> Recent, int Forgotten) Recent(IReadOnlyDictionary<SalesforceId, SeenVersion> previous, IEnumerable<(SalesforceId Id, SeenVersion Version)> read, DateTimeOffset? watermark, DateTimeOffset? settled)
    {
        var recent = new Dictionary<SalesforceId, SeenVersion>(previous);
        foreach (var (id, version) in read)
        {
            recent[id] = version;
        }

        var floor = (watermark ?? DateTimeOffset.MinValue + _options.SalesforceLookback) - _options.SalesforceLookback;
        if (settled < floor)
        {
            floor = settled.Value;
        }

        var window = recent.Where(p => p.Value.SystemModstamp >= floor).ToList();
        if (window.Count <= FeedPosition.MaxRecent)
        {
            return (window.ToDictionary(p => p.Key, p => p.Value), 0);
        }

        var kept = window
            .OrderByDescending(p => p.Value.SystemModstamp)
            .ThenBy(p => p.Key.Value, StringComparer.Ordinal)
            .Take(FeedPosition.MaxRecent)
            .ToDictionary(p => p.Key, p => p.Value);
        return (kept, window.Count - kept.Count);
    }

}
