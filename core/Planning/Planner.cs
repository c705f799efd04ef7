using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfSync.App;
using SfSync.Mapping;
using SfSync.Merge;
using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Planning;

/// <summary>
/// Turns what changed on both sides into batches of at most 200 record keys, and keeps the outbox honest:
/// batches are stored before they are handed out, a cursor is committed only once every batch planned before it
/// is done, stalled batches are sent again, deferred ones when they are due. Reads only ids, stamps and (for
/// echo detection) the mapped values the same query returns, so an idle run costs one Salesforce call.
/// </summary>
public sealed class Planner(
    ISalesforceRecords salesforce,
    IAppRecords app,
    ILinkStore links,
    ICursorStore cursors,
    IPlanOutbox outbox,
    RunLedger ledger,
    SyncMap map,
    IOptions<SyncOptions> syncOptions,
    IOptions<PlanningOptions> planningOptions,
    TimeProvider time,
    ILogger<Planner> logger)
{
    /// <summary>Plans of follow-up keys carry this prefix; they hold no cursor position and are adopted by the next run.</summary>
    public const string FollowUpPrefix = "followup-";

    private readonly SyncOptions _sync = syncOptions.Value;
    private readonly PlanningOptions _options = planningOptions.Value;

    public async Task<PlanOutcome> PlanAsync(PlanRequest request, CancellationToken cancellationToken = default)
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

        if (PauseReason() is { } pause)
        {
            PlanLog.PlanningPaused(logger, request.RunId, pause);
            await ledger.AddPlannedAsync(request.RunId, adopted, null, cancellationToken).ConfigureAwait(false);
            await ledger.EndAsync(request.RunId, RunStatus.Paused, pause, cancellationToken).ConfigureAwait(false);
            return new PlanOutcome(request.RunId, messages, 0, 0, resent, pause);
        }

        var newBatches = 0;
        var newKeys = 0;
        try
        {
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
        }
        catch (SideUnavailableException ex)
        {
            // Nothing was planned past the cursors, so nothing is skipped: the next run reads the same changes.
            await ledger.AddPlannedAsync(request.RunId, adopted, null, cancellationToken).ConfigureAwait(false);
            await ledger.EndAsync(request.RunId, RunStatus.Failed, $"Planning stopped: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return new PlanOutcome(request.RunId, messages, 0, 0, resent, null);
        }

        var message = newBatches == 0 && adopted == 0 ? "No changes." : $"{newKeys} changed records in {newBatches} batches.";
        await ledger.AddPlannedAsync(request.RunId, newBatches + adopted, message, cancellationToken).ConfigureAwait(false);
        if (PauseReason() is { } late)
        {
            // Reading pushed usage over the threshold: what is planned goes out, and status says why the next run will wait.
            PlanLog.PlanningPaused(logger, request.RunId, late);
        }

        return new PlanOutcome(request.RunId, messages, newBatches, newKeys, resent, null);
    }

    private string? PauseReason()
    {
        var usage = salesforce.LastUsage;
        return usage is not null && usage.Share >= _options.PauseAtApiUsageShare
            ? $"Salesforce API usage is {usage.Used} of {usage.DailyMax} daily calls ({usage.Share:P0}), at or above the {_options.PauseAtApiUsageShare:P0} pause threshold."
            : null;
    }

    // ---- Recovery: commit cursors, re-send stalled and due batches ----

    private async Task<(int Resent, int Adopted)> RecoverAsync(EntityKind entity, string runId, List<SyncBatch> messages, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var plans = await outbox.GetOpenPlansAsync(entity, cancellationToken).ConfigureAwait(false);
        var resent = 0;
        var adopted = 0;
        FeedPosition? commitTo = null;
        var committable = new List<Plan>();
        var blocked = false;
        foreach (var plan in plans)
        {
            var batches = await outbox.GetBatchesAsync(plan.PlanId, cancellationToken).ConfigureAwait(false);
            var allDone = true;
            foreach (var batch in batches.Where(b => b.Status != BatchStatus.Done))
            {
                allDone = false;
                var stalled = batch.Status == BatchStatus.Pending && now - batch.EnqueuedAt >= _options.StallTimeout;
                var due = batch.Status == BatchStatus.Deferred && batch.NextAttemptAt <= now;
                if (!stalled && !due)
                {
                    continue;
                }

                // A follow-up belongs to no run until a run sends it; the run that does counts it.
                var adopt = plan.PositionAfter is null;
                var next = batch with
                {
                    Status = BatchStatus.Pending,
                    Attempts = batch.Attempts + 1,
                    EnqueuedAt = now,
                    NextAttemptAt = null,
                    RunId = adopt ? runId : batch.RunId,
                };
                if (await outbox.TryUpdateBatchAsync(next, cancellationToken).ConfigureAwait(false))
                {
                    PlanLog.BatchResent(logger, next.RunId, entity, next.BatchId, next.Attempts, batch.Status.ToString(), batch.LastReason);
                    messages.Add(ToMessage(next));
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
        else if (openPositionPlans == 0 && !ReferenceEquals(state.Planned, state.Committed) && state.Planned != state.Committed)
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

    private async Task<Dictionary<EntityKind, List<SalesforceChange>>> ReadSalesforceAsync(PlanRequest request, Dictionary<EntityKind, CursorState> states, CancellationToken cancellationToken)
    {
        var result = request.Entities.ToDictionary(e => e, _ => new List<SalesforceChange>());
        var queries = request.Entities.Select(e => new SalesforceChangeQuery(e, From(request, states[e].Planned), null, _options.ChangePageSize)).ToList();

        // The first page of every entity travels in one request: an idle run is one API call.
        var pages = await salesforce.ReadChangesAsync(queries, cancellationToken).ConfigureAwait(false);
        foreach (var page in pages)
        {
            var changes = result[page.Entity];
            changes.AddRange(page.Changes);
            var more = page.HasMore;
            while (more && changes.Count < _options.MaxKeysPerRun && changes.Count > 0)
            {
                var last = changes[^1];
                var next = await salesforce.ReadChangesAsync([new SalesforceChangeQuery(page.Entity, last.SystemModstamp, last.Id, _options.ChangePageSize)], cancellationToken).ConfigureAwait(false);
                changes.AddRange(next[0].Changes);
                more = next[0].HasMore && next[0].Changes.Count > 0;
            }
        }

        return result;
    }

    private DateTimeOffset From(PlanRequest request, FeedPosition position) =>
        request.Full || position.SalesforceWatermark is null
            ? DateTimeOffset.MinValue
            : position.SalesforceWatermark.Value - _options.SalesforceLookback;

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

    private async Task<(int Batches, int Keys)> PlanEntityAsync(PlanRequest request, CursorState state, List<SalesforceChange> salesforceChanges, List<SyncBatch> messages, CancellationToken cancellationToken)
    {
        var entity = state.Entity;
        var position = request.Full ? FeedPosition.Start : state.Planned;
        var (appChanges, appCursor) = await ReadAppAsync(entity, position.AppCursor, cancellationToken).ConfigureAwait(false);

        // Latest entry per id; the Salesforce overlap window minus what an earlier run already planned at the same stamp.
        var salesforceLatest = salesforceChanges
            .GroupBy(c => c.Id)
            .Select(g => g.MaxBy(c => c.SystemModstamp)!)
            .Where(c => request.Full || !(state.Planned.RecentSalesforce.TryGetValue(c.Id, out var seen) && seen >= c.SystemModstamp))
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
            if (!request.Full && IsSalesforceEcho(entity, change, link))
            {
                skipped++;
                continue;
            }

            AddKey(keys, link, RecordKey.ForSalesforce(change.Id));
        }

        foreach (var change in appLatest)
        {
            var link = byApp.GetValueOrDefault(change.Id);
            if (!request.Full && link is { State: LinkState.Active } && change.Version <= link.AppVersion)
            {
                skipped++; // our own write coming back, or a version already reconciled
                continue;
            }

            AddKey(keys, link, RecordKey.ForApp(change.Id));
        }

        skipped += salesforceChanges.Count - salesforceLatest.Count;
        var watermark = Watermark(state.Planned.SalesforceWatermark, salesforceChanges);
        var newPosition = new FeedPosition(watermark, Recent(state.Planned.RecentSalesforce, salesforceChanges, watermark), appCursor);
        if (keys.Count == 0 && SamePosition(newPosition, state.Planned))
        {
            return (0, 0);
        }

        var sequence = state.PlanSequence + 1;
        var plan = new Plan($"{entity.ToString().ToLowerInvariant()}-{sequence:D10}-{Guid.NewGuid():N}", request.RunId, entity, sequence, time.GetUtcNow(), 0, newPosition);
        var batches = keys.Values
            .Chunk(_sync.BatchSize)
            .Select(chunk => new PlannedBatch(plan.PlanId, Guid.NewGuid().ToString("N"), request.RunId, entity, chunk, request.Full, BatchStatus.Pending, 1, time.GetUtcNow(), null, null))
            .ToList();
        plan = plan with { BatchCount = batches.Count };

        // Outbox first, cursor second: a crash in between leaves a plan the next run re-sends, never a gap.
        await outbox.SaveAsync(plan, batches, cancellationToken).ConfigureAwait(false);
        if (!await cursors.TrySaveAsync(state with { Planned = newPosition, PlanSequence = sequence }, cancellationToken).ConfigureAwait(false))
        {
            PlanLog.CursorRace(logger, request.RunId, entity);
            await outbox.CloseAsync(plan, cancellationToken).ConfigureAwait(false);
            return (0, 0);
        }

        messages.AddRange(batches.Select(ToMessage));
        PlanLog.EntityPlanned(logger, request.RunId, entity, keys.Count, batches.Count, skipped);
        if (batches.Count == 0)
        {
            // Only the position moved (echoes, already-planned overlap): commit it in order with the plans before it.
            await RecoverAsync(entity, request.RunId, [], cancellationToken).ConfigureAwait(false);
        }

        return (batches.Count, keys.Count);
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

    private static DateTimeOffset? Watermark(DateTimeOffset? current, List<SalesforceChange> changes)
    {
        if (changes.Count == 0)
        {
            return current;
        }

        var max = changes.Max(c => c.SystemModstamp);
        return current is null || max > current ? max : current;
    }

    private Dictionary<SalesforceId, DateTimeOffset> Recent(IReadOnlyDictionary<SalesforceId, DateTimeOffset> previous, List<SalesforceChange> changes, DateTimeOffset? watermark)
    {
        var recent = new Dictionary<SalesforceId, DateTimeOffset>(previous);
        foreach (var change in changes)
        {
            if (!recent.TryGetValue(change.Id, out var seen) || change.SystemModstamp > seen)
            {
                recent[change.Id] = change.SystemModstamp;
            }
        }

        var floor = (watermark ?? DateTimeOffset.MinValue + _options.SalesforceLookback) - _options.SalesforceLookback;
        return recent
            .Where(p => p.Value >= floor)
            .OrderByDescending(p => p.Value)
            .Take(_options.RecentWindowCapacity)
            .ToDictionary(p => p.Key, p => p.Value);
    }

    private static bool SamePosition(FeedPosition a, FeedPosition b) =>
        a.SalesforceWatermark == b.SalesforceWatermark
        && a.AppCursor == b.AppCursor
        && a.RecentSalesforce.Count == b.RecentSalesforce.Count
        && a.RecentSalesforce.All(p => b.RecentSalesforce.TryGetValue(p.Key, out var v) && v == p.Value);

    private static SyncBatch ToMessage(PlannedBatch batch) =>
        new(batch.BatchId, batch.PlanId, batch.RunId, batch.Entity, batch.Keys, batch.Full, batch.Attempts);
}
