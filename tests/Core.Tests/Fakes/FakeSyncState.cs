using SfSync.Model;
using SfSync.Runs;
using SfSync.State;

namespace SfSync.Tests.Fakes;

/// <summary>
/// In-memory sync state with the same contract as the Table Storage adapter: every write is checked against
/// the ETag it was read with, and an insert fails when either id is already linked.
/// </summary>
internal sealed class FakeSyncState : ILinkStore, ICursorStore, IPlanOutbox, IRecordStatusLog, IRunHistory
{
    private readonly Lock _gate = new();
    private readonly List<Link> _links = [];
    private readonly Dictionary<EntityKind, CursorState> _cursors = [];
    private readonly Dictionary<string, Plan> _plans = [];
    private readonly Dictionary<(string, string), PlannedBatch> _batches = [];
    private readonly List<RecordStatus> _statuses = [];
    private readonly Dictionary<string, SyncRun> _runs = [];

    /// <summary>Runs before every link write, to let a test slip in a concurrent writer.</summary>
    public Action<FakeSyncState>? BeforeLinkWrite { get; set; }

    /// <summary>Runs after every link write call, to let a test stall the writer between its claim and its next step.</summary>
    public Action? AfterLinkWrite { get; set; }

    /// <summary>Runs before every plan the outbox saves, to let a test fail a filing.</summary>
    public Action<Plan>? BeforeOutboxSave { get; set; }

    /// <summary>Runs before every link lookup, with how many lookups came before it.</summary>
    public Action<int>? BeforeLinkFind { get; set; }

    private int _finds;

    public int LinkWriteCalls { get; private set; }

    public IReadOnlyList<Link> Links
    {
        get
        {
            lock (_gate)
            {
                return _links.ToList();
            }
        }
    }

    public IReadOnlyList<RecordStatus> Statuses
    {
        get
        {
            lock (_gate)
            {
                return _statuses.ToList();
            }
        }
    }

    public IReadOnlyList<PlannedBatch> Batches
    {
        get
        {
            lock (_gate)
            {
                return _batches.Values.ToList();
            }
        }
    }

    // ---- Links ----

    public Task<IReadOnlyList<Link>> FindAsync(EntityKind entity, IReadOnlyCollection<SalesforceId> salesforceIds, IReadOnlyCollection<AppId> appIds, CancellationToken cancellationToken = default)
    {
        BeforeLinkFind?.Invoke(Interlocked.Increment(ref _finds) - 1);
        lock (_gate)
        {
            IReadOnlyList<Link> found = _links
                .Where(l => l.Entity == entity && ((l.SalesforceId is { } s && salesforceIds.Contains(s)) || (l.AppId is { } a && appIds.Contains(a))))
                .ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<Link>> PendingCreatesAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<Link> found = _links.Where(l => l.Entity == entity && l.AppId is not null && (l is { State: LinkState.PendingCreateInSalesforce, SalesforceId: null } || l.Unaccounted is not null)).ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<LinkWriteResult>> WriteAsync(IReadOnlyList<LinkWrite> writes, CancellationToken cancellationToken = default)
    {
        BeforeLinkWrite?.Invoke(this);
        lock (_gate)
        {
            LinkWriteCalls++;
            IReadOnlyList<LinkWriteResult> results = writes.Select(Write).ToList();
            AfterLinkWrite?.Invoke();
            return Task.FromResult(results);
        }
    }

    /// <summary>Stores a link directly, as a pre-link import does.</summary>
    public Link Put(Link link)
    {
        lock (_gate)
        {
            var result = Write(new LinkWrite(null, link));
            return result.Stored ?? throw new InvalidOperationException("Already linked.");
        }
    }

    private LinkWriteResult Write(LinkWrite write)
    {
        Link? current = null;
        if (write.Previous is { } previous)
        {
            current = _links.FirstOrDefault(l => l.ETag == previous.ETag && l.ETag is not null);
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

        var stored = write.Next with { ETag = Guid.NewGuid().ToString("N") };
        _links.Add(stored);
        return new LinkWriteResult(false, stored);
    }

    // ---- Cursors ----

    public Task<CursorState?> GetAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_cursors.GetValueOrDefault(entity));
        }
    }

    /// <summary>Runs before a cursor save is compared: a concurrent run's save here makes this one lose the race.</summary>
    public Action<CursorState>? BeforeCursorSave { get; set; }

    public Task<bool> TrySaveAsync(CursorState state, CancellationToken cancellationToken = default)
    {
        BeforeCursorSave?.Invoke(state);
        lock (_gate)
        {
            var current = _cursors.GetValueOrDefault(state.Entity);
            if (current?.ETag != state.ETag)
            {
                return Task.FromResult(false);
            }

            _cursors[state.Entity] = state with { ETag = Guid.NewGuid().ToString("N") };
            return Task.FromResult(true);
        }
    }

    // ---- Outbox ----

    public Task SaveAsync(Plan plan, IReadOnlyList<PlannedBatch> batches, CancellationToken cancellationToken = default)
    {
        BeforeOutboxSave?.Invoke(plan);
        lock (_gate)
        {
            _plans[plan.PlanId] = plan with { ETag = Guid.NewGuid().ToString("N") };
            foreach (var batch in batches)
            {
                _batches[(batch.PlanId, batch.BatchId)] = batch with { ETag = Guid.NewGuid().ToString("N") };
            }

            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<Plan>> GetOpenPlansAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<Plan> plans = _plans.Values.Where(p => p.Entity == entity).OrderBy(p => p.Sequence).ThenBy(p => p.CreatedAt).ToList();
            return Task.FromResult(plans);
        }
    }

    public Task<IReadOnlyList<PlannedBatch>> GetBatchesAsync(string planId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<PlannedBatch> batches = _batches.Values.Where(b => b.PlanId == planId).ToList();
            return Task.FromResult(batches);
        }
    }

    public Task<PlannedBatch?> GetBatchAsync(string planId, string batchId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_batches.GetValueOrDefault((planId, batchId)));
        }
    }

    public Task<bool> TryUpdateBatchAsync(PlannedBatch batch, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_batches.TryGetValue((batch.PlanId, batch.BatchId), out var current) || current.ETag != batch.ETag)
            {
                return Task.FromResult(false);
            }

            _batches[(batch.PlanId, batch.BatchId)] = batch with { ETag = Guid.NewGuid().ToString("N") };
            return Task.FromResult(true);
        }
    }

    public Task CloseAsync(Plan plan, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _plans.Remove(plan.PlanId);
            foreach (var key in _batches.Keys.Where(k => k.Item1 == plan.PlanId).ToList())
            {
                _batches.Remove(key);
            }

            return Task.CompletedTask;
        }
    }

    // ---- Record status ----

    public Task WriteAsync(IReadOnlyList<RecordStatus> statuses, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _statuses.AddRange(statuses);
            return Task.CompletedTask;
        }
    }

    public Task<RecordStatus?> FindAsync(EntityKind entity, Side side, string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_statuses.LastOrDefault(s => s.Entity == entity
                && (side == Side.Salesforce ? s.SalesforceId?.Value == id : s.AppId?.Value == id)));
        }
    }

    public Task<IReadOnlyList<RecordStatus>> ListWithErrorAsync(string errorCode, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<RecordStatus> latest = _statuses.GroupBy(s => (s.Entity, Id: s.SalesforceId?.Value ?? s.AppId?.Value)).Select(g => g.Last())
                .Where(s => s.ErrorCode == errorCode).ToList();
            return Task.FromResult(latest);
        }
    }

    // ---- Run history ----

    public Task<SyncRun?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_runs.GetValueOrDefault(runId));
        }
    }

    public Task<bool> TrySaveAsync(SyncRun run, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_runs.GetValueOrDefault(run.RunId)?.ETag != run.ETag)
            {
                return Task.FromResult(false);
            }

            _runs[run.RunId] = run with { ETag = Guid.NewGuid().ToString("N") };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<SyncRun>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<SyncRun> runs = _runs.Values.OrderByDescending(r => r.StartedAt).Take(max).ToList();
            return Task.FromResult(runs);
        }
    }
}
