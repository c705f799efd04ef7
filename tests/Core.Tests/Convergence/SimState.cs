using SfSync.Model;
using SfSync.Runs;
using SfSync.State;

namespace SfSync.Tests.Convergence;

/// <summary>Writes to the sync state, counted by kind (the idle-run rule: nothing but run history).</summary>
internal sealed class StateWrites
{
    public int Links { get; set; }

    public int Cursors { get; set; }

    public int Outbox { get; set; }

    public int Statuses { get; set; }

    public int Runs { get; set; }

    public StateWrites Copy() => (StateWrites)MemberwiseClone();

    public string DiffExceptRuns(StateWrites before)
    {
        var parts = new List<string>();
        if (Links != before.Links)
        {
            parts.Add($"links {Links - before.Links}");
        }

        if (Cursors != before.Cursors)
        {
            parts.Add($"cursors {Cursors - before.Cursors}");
        }

        if (Outbox != before.Outbox)
        {
            parts.Add($"outbox {Outbox - before.Outbox}");
        }

        if (Statuses != before.Statuses)
        {
            parts.Add($"record status {Statuses - before.Statuses}");
        }

        return string.Join(", ", parts);
    }
}

/// <summary>
/// Simulated sync state with the Table Storage adapter's contract: every write is checked against the ETag it was read
/// with, and a link insert (or replace) fails when either id is already linked to another link. Faults: a crash before
/// a call, a storage error, or a write that is applied and then its answer lost with the process.
/// </summary>
internal sealed class SimState(SimWorld world) : ILinkStore, ICursorStore, IPlanOutbox, IRecordStatusLog, IRunHistory
{
    private readonly List<Link> _links = [];
    private readonly Dictionary<EntityKind, CursorState> _cursors = [];
    private readonly Dictionary<string, (Plan Plan, long Order)> _plans = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), (PlannedBatch Batch, long Order)> _batches = [];
    private readonly List<RecordStatus> _statuses = [];
    private readonly Dictionary<string, SyncRun> _runs = new(StringComparer.Ordinal);
    private long _etag;
    private long _order;

    public StateWrites Writes { get; } = new();

    public IReadOnlyList<Link> Links => _links;

    /// <summary>Test hook for the oracle's own tests: a link vanishes.</summary>
    public void DropLink(Link link) => _links.Remove(link);

    public IEnumerable<PlannedBatch> Batches => _batches.Values.Select(b => b.Batch);

    public IEnumerable<SyncRun> Runs => _runs.Values;

    public CursorState? Cursor(EntityKind entity) => _cursors.GetValueOrDefault(entity);

    /// <summary>Batches in the outbox that are not done.</summary>
    public IEnumerable<PlannedBatch> OpenBatches => _batches.Values.Select(b => b.Batch).Where(b => b.Status != BatchStatus.Done);

    private async Task<Fault> EnterAsync(PortCall call)
    {
        var fault = await world.Scheduler.EnterAsync(call);
        switch (fault)
        {
            case Fault.Crash:
                throw new SimCrashException(call.ToString());
            case Fault.StorageError:
                throw new SimStorageException(call.ToString());
        }

        return fault;
    }

    private static void After(Fault fault, PortCall call)
    {
        if (fault == Fault.CrashAfter)
        {
            throw new SimCrashException($"{call} (applied)");
        }
    }

    private string NewETag() => "W/\"" + ++_etag + "\"";

    // Like Table Storage, the store holds serialized rows: what it returns never shares an object with what was saved.
    private static FeedPosition? Copy(FeedPosition? position) => position is null
        ? null
        : position with { RecentSalesforce = new Dictionary<SalesforceId, SeenVersion>(position.RecentSalesforce) };

    private static CursorState Copy(CursorState state) => state with { Planned = Copy(state.Planned)!, Committed = Copy(state.Committed)! };

    private static Plan Copy(Plan plan) => plan with { PositionAfter = Copy(plan.PositionAfter) };

    private static string Describe(FeedPosition position) =>
        $"sf@{(position.SalesforceWatermark is { } w ? (int)(w - SimWorld.Epoch).TotalSeconds + "s" : "-")}+{position.RecentSalesforce.Count}{(position.SalesforceSettled is { } settled ? $" settled {(int)(settled - SimWorld.Epoch).TotalSeconds}s" : "")} app@{position.AppCursor ?? "-"}";

    private static Link Copy(Link link) => link with { Base = link.Base is null ? null : new Dictionary<string, string?>(link.Base, StringComparer.Ordinal) };

    private static string Show(Link l) =>
        $"{l.Entity} {l.SalesforceId?.Value[3..15].TrimStart('0') ?? "-"}⇄{l.AppId?.Value ?? "-"} {l.State} v{l.AppVersion} stamp={(l.SalesforceStamp is { } t ? (int)(t - SimWorld.Epoch).TotalSeconds + "s" : "-")} synced={(l.LastSyncedAt is null ? "no" : "yes")} parent={l.ParentAppId} base={(l.Base is null ? "none" : "{" + string.Join(",", l.Base.Select(f => f.Key + "=" + f.Value)) + "}")}{(l.PendingBase is null ? "" : " pending")}{(l.Lease is null ? "" : " leased")}{(l.Unaccounted is null ? "" : " unaccounted")} {l.ETag}";

    // ---- Links ----

    public async Task<IReadOnlyList<Link>> FindAsync(EntityKind entity, IReadOnlyCollection<SalesforceId> salesforceIds, IReadOnlyCollection<AppId> appIds, CancellationToken cancellationToken = default)
    {
        await EnterAsync(PortCall.LinkFind);
        var found = _links
            .Where(l => l.Entity == entity && ((l.SalesforceId is { } s && salesforceIds.Contains(s)) || (l.AppId is { } a && appIds.Contains(a))))
            .Select(Copy)
            .ToList();
        world.Detail(() => $"  links {entity}: {string.Join(" ", found.Select(Show))}");
        return found;
    }

    public async Task<IReadOnlyList<Link>> PendingCreatesAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        await EnterAsync(PortCall.LinkFind);
        return _links.Where(l => l.Entity == entity && l.AppId is not null && (l is { State: LinkState.PendingCreateInSalesforce, SalesforceId: null } || l.Unaccounted is not null)).Select(Copy).ToList();
    }

    public async Task<IReadOnlyList<LinkWriteResult>> WriteAsync(IReadOnlyList<LinkWrite> writes, CancellationToken cancellationToken = default)
    {
        var fault = await EnterAsync(PortCall.LinkWrite);
        Writes.Links++;
        var results = writes.Select(Write).ToList();
        world.Detail(() => $"  link writes: {string.Join(" | ", writes.Zip(results, (w, r) => $"{(w.Previous is null ? "insert" : "replace " + w.Previous.ETag)} → {(w.Next is null ? "delete" : Show(w.Next))}: {(r.Conflict ? "CONFLICT" : "ok")}"))}");
        After(fault, PortCall.LinkWrite);
        return results;
    }

    /// <summary>Stores a link directly (test set-up only).</summary>
    private LinkWriteResult Write(LinkWrite write)
    {
        Link? current = null;
        if (write.Previous is { } previous)
        {
            current = _links.FirstOrDefault(l => l.ETag is not null && l.ETag == previous.ETag);
            if (current is null)
            {
                return new LinkWriteResult(true, null);
            }
        }

        if (write.Next is { } next && _links.Any(l => !ReferenceEquals(l, current) && l.Entity == next.Entity
            && ((next.SalesforceId is not null && l.SalesforceId == next.SalesforceId) || (next.AppId is not null && l.AppId == next.AppId))))
        {
            return new LinkWriteResult(true, null);
        }

        if (current is not null)
        {
            _links.Remove(current);
        }

        if (write.Next is null)
        {
            return new LinkWriteResult(false, null);
        }

        var stored = Copy(write.Next) with { ETag = NewETag() };
        _links.Add(stored);
        return new LinkWriteResult(false, Copy(stored));
    }

    // ---- Cursors ----

    public async Task<CursorState?> GetAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        await EnterAsync(PortCall.CursorGet);
        return _cursors.TryGetValue(entity, out var state) ? Copy(state) : null;
    }

    public async Task<bool> TrySaveAsync(CursorState state, CancellationToken cancellationToken = default)
    {
        var fault = await EnterAsync(PortCall.CursorSave);
        Writes.Cursors++;
        var current = _cursors.GetValueOrDefault(state.Entity);
        var saved = current?.ETag == state.ETag;
        if (saved)
        {
            _cursors[state.Entity] = Copy(state) with { ETag = NewETag() };
        }

        if (world.Scheduler.Tracing)
        {
            world.Scheduler.Annotate(SimScheduler.Current!, $"cursor {state.Entity} planned {Describe(state.Planned)} committed {Describe(state.Committed)} seq {state.PlanSequence}: {(saved ? "saved" : "refused")}");
        }

        After(fault, PortCall.CursorSave);
        return saved;
    }

    // ---- Outbox ----

    public async Task SaveAsync(Plan plan, IReadOnlyList<PlannedBatch> batches, CancellationToken cancellationToken = default)
    {
        var fault = await EnterAsync(PortCall.OutboxSave);
        Writes.Outbox++;
        _plans[plan.PlanId] = (Copy(plan) with { ETag = NewETag() }, ++_order);
        if (world.Scheduler.Tracing)
        {
            world.Scheduler.Annotate(SimScheduler.Current!, $"outbox saves {plan.Entity} plan {world.Alias(plan.PlanId)} seq {plan.Sequence} with {batches.Count} batches ({string.Join(" ", batches.Select(b => world.Alias(b.BatchId) + ":" + b.Status))}) to {(plan.PositionAfter is null ? "no position" : Describe(plan.PositionAfter))}");
        }
        foreach (var batch in batches)
        {
            _batches[(batch.PlanId, batch.BatchId)] = (batch with { ETag = NewETag() }, ++_order);
        }

        After(fault, PortCall.OutboxSave);
    }

    public async Task<IReadOnlyList<Plan>> GetOpenPlansAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        await EnterAsync(PortCall.OutboxOpenPlans);
        return _plans.Values.Where(p => p.Plan.Entity == entity).OrderBy(p => p.Plan.Sequence).ThenBy(p => p.Order).Select(p => Copy(p.Plan)).ToList();
    }

    public async Task<IReadOnlyList<PlannedBatch>> GetBatchesAsync(string planId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(PortCall.OutboxBatches);
        return _batches.Values.Where(b => b.Batch.PlanId == planId).OrderBy(b => b.Order).Select(b => b.Batch).ToList();
    }

    public async Task<PlannedBatch?> GetBatchAsync(string planId, string batchId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(PortCall.OutboxBatch);
        return _batches.TryGetValue((planId, batchId), out var stored) ? stored.Batch : null;
    }

    public async Task<bool> TryUpdateBatchAsync(PlannedBatch batch, CancellationToken cancellationToken = default)
    {
        var fault = await EnterAsync(PortCall.OutboxUpdate);
        Writes.Outbox++;
        var saved = _batches.TryGetValue((batch.PlanId, batch.BatchId), out var current) && current.Batch.ETag == batch.ETag;
        if (saved)
        {
            _batches[(batch.PlanId, batch.BatchId)] = (batch with { ETag = NewETag() }, current.Order);
            if (batch.Status == BatchStatus.Done)
            {
                world.AppliedBatches.Add((batch.PlanId, batch.BatchId));
            }
        }

        After(fault, PortCall.OutboxUpdate);
        return saved;
    }

    public async Task CloseAsync(Plan plan, CancellationToken cancellationToken = default)
    {
        var fault = await EnterAsync(PortCall.OutboxClose);
        Writes.Outbox++;
        if (world.Scheduler.Tracing)
        {
            world.Scheduler.Annotate(SimScheduler.Current!, $"outbox closes plan {world.Alias(plan.PlanId)}");
        }
        _plans.Remove(plan.PlanId);
        if (_batches.Where(b => b.Key.Item1 == plan.PlanId).Any(b => b.Value.Batch.Status != BatchStatus.Done))
        {
            world.WithdrawnPlans.Add(plan.PlanId);
        }

        foreach (var key in _batches.Keys.Where(k => k.Item1 == plan.PlanId).ToList())
        {
            _batches.Remove(key);
        }

        After(fault, PortCall.OutboxClose);
    }

    // ---- Record status ----

    public async Task WriteAsync(IReadOnlyList<RecordStatus> statuses, CancellationToken cancellationToken = default)
    {
        var fault = await EnterAsync(PortCall.StatusWrite);
        if (statuses.Count > 0)
        {
            Writes.Statuses++;
        }

        _statuses.AddRange(statuses);
        After(fault, PortCall.StatusWrite);
    }

    public async Task<RecordStatus?> FindAsync(EntityKind entity, Side side, string id, CancellationToken cancellationToken = default)
    {
        await EnterAsync(PortCall.StatusFind);
        return _statuses.LastOrDefault(s => s.Entity == entity && (side == Side.Salesforce ? s.SalesforceId?.Value == id : s.AppId?.Value == id));
    }

    // ---- Run history ----

    public async Task<SyncRun?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(PortCall.RunGet);
        return _runs.GetValueOrDefault(runId);
    }

    public async Task<bool> TrySaveAsync(SyncRun run, CancellationToken cancellationToken = default)
    {
        var fault = await EnterAsync(PortCall.RunSave);
        Writes.Runs++;
        var saved = _runs.GetValueOrDefault(run.RunId)?.ETag == run.ETag;
        if (saved)
        {
            _runs[run.RunId] = run with { ETag = NewETag() };
        }

        After(fault, PortCall.RunSave);
        return saved;
    }

    public async Task<IReadOnlyList<SyncRun>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        await EnterAsync(PortCall.RunList);
        return _runs.Values.OrderByDescending(r => r.StartedAt).Take(max).ToList();
    }
}
