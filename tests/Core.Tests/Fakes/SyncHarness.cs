using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SfSync.App;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Tests.Fakes;

/// <summary>The engine wired through <see cref="SyncEngineRegistration.AddSyncEngine"/> onto the in-memory ports.</summary>
internal sealed class SyncHarness : IDisposable
{
    private readonly ServiceProvider _services;
    private int _runs;

    public SyncHarness(IDictionary<string, string?>? settings = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        Salesforce = new FakeSalesforce(Time);
        App = new FakeApp(Time);
        State = new FakeSyncState();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
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
            .AddSyncEngine();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public FakeTimeProvider Time { get; }

    public FakeSalesforce Salesforce { get; }

    public FakeApp App { get; }

    public FakeSyncState State { get; }

    public Planner Planner => _services.GetRequiredService<Planner>();

    public Reconciler Reconciler => _services.GetRequiredService<Reconciler>();

    public BatchApplier Applier => _services.GetRequiredService<BatchApplier>();

    public IRunHistory History => State;

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>One timer tick: plan, then apply every message the plan sent, as the queue would.</summary>
    public async Task<SyncRound> SyncAsync(bool full = false)
    {
        var runId = $"run-{++_runs}";
        var plan = await Planner.PlanAsync(new PlanRequest(runId, full ? RunTrigger.Resync : RunTrigger.Timer, EntityKindNames.All, full));
        var applied = new List<BatchApplyResult>();
        foreach (var message in plan.Messages)
        {
            applied.Add(await Applier.ApplyAsync(message));
        }

        return new SyncRound(runId, plan, applied);
    }

    /// <summary>Ticks until a tick plans nothing, letting follow-ups come due in between.</summary>
    public async Task<IReadOnlyList<SyncRound>> SyncUntilQuietAsync(int maxRounds = 10)
    {
        var rounds = new List<SyncRound>();
        for (var i = 0; i < maxRounds; i++)
        {
            var round = await SyncAsync();
            rounds.Add(round);
            Time.Advance(TimeSpan.FromMinutes(5));
            if (round.Plan.Messages.Count == 0 && State.Batches.All(b => b.Status == SfSync.State.BatchStatus.Done))
            {
                return rounds;
            }
        }

        throw new InvalidOperationException($"Still planning after {maxRounds} rounds.");
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
