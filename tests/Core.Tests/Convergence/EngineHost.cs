using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SfSync.App;
using SfSync.Linking;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Tests.Convergence;

/// <summary>
/// The engine wired through <c>AddSyncEngine()</c>, built once per thread and matching mode: building a service provider
/// (options binding and validation) costs more than a small scenario, and the engine's singletons hold nothing but
/// their options and ports. Its ports and clock forward to the world of the scenario that is running on this thread.
/// </summary>
internal sealed class EngineHost
{
    [ThreadStatic]
    private static Dictionary<AccountMatching, EngineHost>? _hosts;

    private readonly ServiceProvider _services;

    private EngineHost(AccountMatching matching)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sync:AccountMatching"] = matching.ToString() })
            .Build();
        var ports = new Ports(this);
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(new Clock(this))
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<ISalesforceRecords>(ports)
            .AddSingleton<IAppRecords>(ports)
            .AddSingleton<ILinkStore>(ports)
            .AddSingleton<ICursorStore>(ports)
            .AddSingleton<IPlanOutbox>(ports)
            .AddSingleton<IRecordStatusLog>(ports)
            .AddSingleton<IRunHistory>(ports)
            .AddSingleton<IBatchQueue>(ports)
            .AddSingleton<IDeadLetterQueue>(ports)
            .AddSingleton<ISalesforceListViews>(new Fakes.FakeListViews())
            .AddSingleton<SfSync.Scope.IScopeStore>(new Fakes.FakeScopeStore())
            .AddSyncEngine()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Planner = _services.GetRequiredService<Planner>();
        Applier = _services.GetRequiredService<BatchApplier>();
        Importer = _services.GetRequiredService<LinkImporter>();
        Replay = _services.GetRequiredService<DeadLetterReplay>();
        Planning = _services.GetRequiredService<IOptions<PlanningOptions>>().Value;
    }

    public SimWorld? World { get; set; }

    public Planner Planner { get; }

    public BatchApplier Applier { get; }

    public LinkImporter Importer { get; }

    public DeadLetterReplay Replay { get; }

    public PlanningOptions Planning { get; }

    private SimWorld Current => World ?? throw new InvalidOperationException("No scenario is running on this thread.");

    /// <summary>This thread's engine for the matching mode, now pointing at <paramref name="world"/>.</summary>
    public static EngineHost For(AccountMatching matching, SimWorld world)
    {
        _hosts ??= [];
        if (!_hosts.TryGetValue(matching, out var host))
        {
            host = _hosts[matching] = new EngineHost(matching);
        }

        host.World = world;
        return host;
    }

    private sealed class Clock(EngineHost host) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => host.Current.Time.GetUtcNow();
    }

    private sealed class Ports(EngineHost host) : ISalesforceRecords, IAppRecords, ILinkStore, ICursorStore, IPlanOutbox, IRecordStatusLog, IRunHistory, IBatchQueue, IDeadLetterQueue
    {
        private SimWorld W => host.Current;

        // Salesforce
        public ApiUsage? LastUsage => W.Salesforce.LastUsage;

        public TimeSpan? ClockOffset => W.Salesforce.ClockOffset;

        public Task<IReadOnlyList<SalesforceChangePage>> ReadChangesAsync(IReadOnlyList<SalesforceChangeQuery> queries, CancellationToken cancellationToken = default) => W.Salesforce.ReadChangesAsync(queries, cancellationToken);

        public Task<SalesforceReadResult> ReadAsync(SalesforceReadRequest request, CancellationToken cancellationToken = default) => W.Salesforce.ReadAsync(request, cancellationToken);

        public Task<SalesforceWriteResult> WriteAsync(SalesforceWriteSet writes, CancellationToken cancellationToken = default) => W.Salesforce.WriteAsync(writes, cancellationToken);

        public Task<ApiUsage> ReadUsageAsync(CancellationToken cancellationToken = default) => W.Salesforce.ReadUsageAsync(cancellationToken);

        // Queue
        public Task SendAsync(IReadOnlyList<SyncBatch> batches, CancellationToken cancellationToken = default) => W.Queue.SendAsync(batches, cancellationToken);

        public Task ScheduleAsync(SyncBatch batch, DateTimeOffset at, CancellationToken cancellationToken = default) => W.Queue.ScheduleAsync(batch, at, cancellationToken);

        public Task<DeadLetterListing> PeekAsync(int latest, int scanLimit, CancellationToken cancellationToken = default) => W.Queue.PeekAsync(latest, scanLimit, cancellationToken);

        public Task<IReadOnlyList<LockedDeadLetter>> LockAsync(int max, CancellationToken cancellationToken = default) => W.Queue.LockAsync(max, cancellationToken);

        public Task CompleteAsync(LockedDeadLetter message, CancellationToken cancellationToken = default) => W.Queue.CompleteAsync(message, cancellationToken);

        public Task ReleaseAsync(LockedDeadLetter message, CancellationToken cancellationToken = default) => W.Queue.ReleaseAsync(message, cancellationToken);

        // App
        public Task<AppChangePage> ReadChangesAsync(EntityKind entity, string? cursor, int limit, CancellationToken cancellationToken = default) => W.App.ReadChangesAsync(entity, cursor, limit, cancellationToken);

        public Task<IReadOnlyList<AppRecord>> ReadAsync(EntityKind entity, AppReadRequest request, CancellationToken cancellationToken = default) => W.App.ReadAsync(entity, request, cancellationToken);

        public Task<IReadOnlyList<AppWriteResult>> UpsertAsync(EntityKind entity, IReadOnlyList<AppUpsert> records, CancellationToken cancellationToken = default) => W.App.UpsertAsync(entity, records, cancellationToken);

        public Task<IReadOnlyList<AppWriteResult>> DeleteAsync(EntityKind entity, IReadOnlyList<AppId> ids, CancellationToken cancellationToken = default) => W.App.DeleteAsync(entity, ids, cancellationToken);

        // State
        public Task<IReadOnlyList<Link>> FindAsync(EntityKind entity, IReadOnlyCollection<SalesforceId> salesforceIds, IReadOnlyCollection<AppId> appIds, CancellationToken cancellationToken = default) => W.State.FindAsync(entity, salesforceIds, appIds, cancellationToken);
        public Task<IReadOnlyList<Link>> PendingCreatesAsync(EntityKind entity, CancellationToken cancellationToken = default) => W.State.PendingCreatesAsync(entity, cancellationToken);

        public Task<IReadOnlyList<LinkWriteResult>> WriteAsync(IReadOnlyList<LinkWrite> writes, CancellationToken cancellationToken = default) => W.State.WriteAsync(writes, cancellationToken);

        public Task<CursorState?> GetAsync(EntityKind entity, CancellationToken cancellationToken = default) => W.State.GetAsync(entity, cancellationToken);

        public Task<bool> TrySaveAsync(CursorState state, CancellationToken cancellationToken = default) => W.State.TrySaveAsync(state, cancellationToken);

        public Task SaveAsync(Plan plan, IReadOnlyList<PlannedBatch> batches, CancellationToken cancellationToken = default) => W.State.SaveAsync(plan, batches, cancellationToken);

        public Task<IReadOnlyList<Plan>> GetOpenPlansAsync(EntityKind entity, CancellationToken cancellationToken = default) => W.State.GetOpenPlansAsync(entity, cancellationToken);

        public Task<IReadOnlyList<PlannedBatch>> GetBatchesAsync(string planId, CancellationToken cancellationToken = default) => W.State.GetBatchesAsync(planId, cancellationToken);

        public Task<PlannedBatch?> GetBatchAsync(string planId, string batchId, CancellationToken cancellationToken = default) => W.State.GetBatchAsync(planId, batchId, cancellationToken);

        public Task<bool> TryUpdateBatchAsync(PlannedBatch batch, CancellationToken cancellationToken = default) => W.State.TryUpdateBatchAsync(batch, cancellationToken);

        public Task CloseAsync(Plan plan, CancellationToken cancellationToken = default) => W.State.CloseAsync(plan, cancellationToken);

        public Task WriteAsync(IReadOnlyList<RecordStatus> statuses, CancellationToken cancellationToken = default) => W.State.WriteAsync(statuses, cancellationToken);

        public Task<RecordStatus?> FindAsync(EntityKind entity, Side side, string id, CancellationToken cancellationToken = default) => W.State.FindAsync(entity, side, id, cancellationToken);

        public Task<SyncRun?> GetAsync(string runId, CancellationToken cancellationToken = default) => W.State.GetAsync(runId, cancellationToken);

        public Task<bool> TrySaveAsync(SyncRun run, CancellationToken cancellationToken = default) => W.State.TrySaveAsync(run, cancellationToken);

        public Task<IReadOnlyList<SyncRun>> ListAsync(int max, CancellationToken cancellationToken = default) => W.State.ListAsync(max, cancellationToken);
    }
}
