using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SfSync.App;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Salesforce;
using SfSync.State;
using SfSync.State.Tables;

namespace SfSync.Tests.Fakes;

/// <summary>The engine wired through <see cref="SyncEngineRegistration.AddSyncEngine"/> onto the in-memory ports.</summary>
internal sealed class SyncHarness : IDisposable
{
    private readonly ServiceProvider _services;
    private int _runs;

    /// <param name="tableConnection">When set, the state lives in Table Storage (Azurite) under a table prefix of its own.</param>
    /// <param name="configure">Last word on the services, e.g. a decorator around a port.</param>
    public SyncHarness(IDictionary<string, string?>? settings = null, string? tableConnection = null, Action<IServiceCollection>? configure = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        Salesforce = new FakeSalesforce(Time);
        App = new FakeApp(Time);
        State = new FakeSyncState();
        Queue = new FakeBatchQueue(Time);
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (tableConnection is not null)
        {
            values["SyncState"] = tableConnection;
            values["Sync:State:TablePrefix"] = "T" + Guid.NewGuid().ToString("N")[..12];
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        Configuration = configuration;
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<ISalesforceRecords>(Salesforce)
            .AddSingleton<IAppRecords>(App)
            .AddSingleton<ILinkStore>(State)
            .AddSingleton<ICursorStore>(State)
            .AddSingleton<IPlanOutbox>(State)
            .AddSingleton<IRecordStatusLog>(State)
            .AddSingleton<IRunHistory>(State)
            .AddSingleton<IBatchQueue>(Queue)
            .AddSingleton<IDeadLetterQueue>(Queue)
            .AddSingleton<ISalesforceListViews>(ListViews)
            .AddSingleton<SfSync.Scope.IScopeStore>(Scopes)
            .AddSyncEngine();
        if (tableConnection is not null)
        {
            services.AddSyncState();
        }

        configure?.Invoke(services);

        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public FakeTimeProvider Time { get; }

    public FakeListViews ListViews { get; } = new();

    /// <summary>The settings; a test may change one and <c>Reload()</c>, as an app-settings change does.</summary>
    public IConfigurationRoot Configuration { get; }

    public FakeScopeStore Scopes { get; } = new();

    public FakeSalesforce Salesforce { get; }

    public FakeApp App { get; }

    public FakeBatchQueue Queue { get; }

    public FakeSyncState State { get; }

    public Planner Planner => _services.GetRequiredService<Planner>();

    public Reconciler Reconciler => _services.GetRequiredService<Reconciler>();

    public BatchApplier Applier => _services.GetRequiredService<BatchApplier>();

    public IRunHistory History => _services.GetRequiredService<IRunHistory>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>One timer tick: plan, then apply every message the queue holds that is visible now (what the plan sent,
    /// and scheduled deferrals and follow-ups that have come due), as the trigger would.</summary>
    public async Task<SyncRound> SyncAsync(bool full = false)
    {
        var runId = $"run-{++_runs}";
        var plan = await Planner.PlanAsync(new PlanRequest(runId, full ? RunTrigger.Resync : RunTrigger.Timer, EntityKindNames.All, full));
        return new SyncRound(runId, plan, await DrainAsync());
    }

    /// <summary>Applies every message visible on the queue now, including those the applying makes visible now.</summary>
    public async Task<IReadOnlyList<BatchApplyResult>> DrainAsync()
    {
        var applied = new List<BatchApplyResult>();
        while (Queue.Receive() is { } message)
        {
            applied.Add(await Applier.ApplyAsync(message));
        }

        return applied;
    }

    /// <summary>Ticks until a tick plans nothing, letting follow-ups come due in between.</summary>
    public async Task<IReadOnlyList<SyncRound>> SyncUntilQuietAsync(int maxRounds = 10)
    {
        var rounds = new List<SyncRound>();
        for (var i = 0; i < maxRounds; i++)
        {
            var cursors = await CursorsAsync();
            var round = await SyncAsync();
            rounds.Add(round);
            Time.Advance(TimeSpan.FromMinutes(5));
            // Quiet: nothing planned, nothing open, and the cursors did not move (the late-commit window may still be
            // narrowing after the last people's changes).
            if (round.Plan.Messages.Count == 0 && !await AnyOpenWorkAsync() && cursors.SequenceEqual(await CursorsAsync()))
            {
                return rounds;
            }
        }

        throw new InvalidOperationException($"Still planning after {maxRounds} rounds.");
    }

    private async Task<List<CursorState?>> CursorsAsync()
    {
        var store = _services.GetRequiredService<ICursorStore>();
        var states = new List<CursorState?>();
        foreach (var entity in EntityKindNames.All)
        {
            states.Add(await store.GetAsync(entity));
        }

        return states;
    }

    /// <summary>Open plans (even with every batch done: the next planner run closes them and commits their positions),
    /// or messages still on the queue.</summary>
    private async Task<bool> AnyOpenWorkAsync()
    {
        var outbox = _services.GetRequiredService<IPlanOutbox>();
        foreach (var entity in EntityKindNames.All)
        {
            if ((await outbox.GetOpenPlansAsync(entity)).Count > 0)
            {
                return true;
            }
        }

        return Queue.Waiting > 0;
    }

    public Task<ReconcileResult> ReconcileAsync(EntityKind entity, params RecordKey[] keys) => Reconciler.ReconcileAsync(entity, keys, full: false);

    public void Dispose() => _services.Dispose();
}

internal sealed record SyncRound(string RunId, PlanOutcome Plan, IReadOnlyList<BatchApplyResult> Applied)
{
    public BatchSummary Summary => Applied.Aggregate(BatchSummary.Empty, (s, a) => s.Add(a.Summary));
}

internal static class Fields
{
    public static Dictionary<string, string?> Of(params (string Name, string? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
}
