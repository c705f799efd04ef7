using Microsoft.Extensions.Time.Testing;
using SfSync.Linking;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Reconciling;

namespace SfSync.Tests.Convergence;

/// <summary>
/// One simulated world: the clock, the scheduler and its fault model, both sides, the sync state, the queue, the logical
/// records people think in, and the engine (<see cref="EngineHost"/>: <c>AddSyncEngine()</c>) pointed at the simulated ports.
/// </summary>
internal sealed class SimWorld : IDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly EngineHost _engine;
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly HashSet<(FindingKind, int)> _violationKeys = [];

    public SimWorld(int seed, FaultProfile profile, AccountMatching matching, bool externalIdMode)
    {
        Time = new FakeTimeProvider(Epoch);
        Faults = new FaultModel(seed, profile, Time);
        Scheduler = new SimScheduler(Faults, Time);
        Salesforce = new SimSalesforce(this) { ExternalIdMode = externalIdMode };
        App = new SimApp(this);
        State = new SimState(this);
        Queue = new SimQueue(this);
        Matching = matching;

        _engine = EngineHost.For(matching, this);
    }

    public FakeTimeProvider Time { get; }

    public FaultModel Faults { get; }

    public SimScheduler Scheduler { get; }

    public SimSalesforce Salesforce { get; }

    public SimApp App { get; }

    public SimState State { get; }

    public SimQueue Queue { get; }

    public AccountMatching Matching { get; }

    public Planner Planner => _engine.Planner;

    public BatchApplier Applier => _engine.Applier;

    public LinkImporter Importer => _engine.Importer;

    public DeadLetterReplay Replay => _engine.Replay;

    public PlanningOptions Planning => _engine.Planning;

    public List<Logical> Logicals { get; } = [];

    /// <summary>Findings made while the scenario ran (engine writes to sync_disabled records, orphans, missing outcomes, crashes).</summary>
    public List<Finding> Violations { get; } = [];

    /// <summary>Batches (plan id, batch id) that some delivery applied or found already applied, or that the outbox marked done.</summary>
    public HashSet<(string PlanId, string BatchId)> AppliedBatches { get; } = [];

    /// <summary>Plans the planner closed with batches not done: withdrawn (a planner that lost the cursor race), their keys
    /// read again by the winner's plan, so a message of theirs that dead-letters has lost nothing.</summary>
    public HashSet<string> WithdrawnPlans { get; } = [];

    public Logical NewLogical(EntityKind entity)
    {
        var logical = new Logical(Logicals.Count + 1, entity);
        Logicals.Add(logical);
        return logical;
    }

    /// <summary>A record the engine created from a record we cannot name.</summary>
    public Logical Orphan(EntityKind entity, string why)
    {
        var logical = NewLogical(entity);
        logical.Orphan = true;
        Violation(FindingKind.OrphanRecord, logical, why);
        return logical;
    }

    /// <summary>Set <c>CONVERGENCE_DEBUG=1</c> to see every record each port call read or wrote in the trace (for
    /// reading one seed step by step; off by default, since it changes nothing but the trace and its digest).</summary>
    public static readonly bool Debug = Environment.GetEnvironmentVariable("CONVERGENCE_DEBUG") is "1" or "true";

    /// <summary>A detail line of the current actor's step, written only in debug mode.</summary>
    public void Detail(Func<string> what)
    {
        if (Debug && SimScheduler.Current is { } actor)
        {
            Scheduler.Annotate(actor, what());
        }
    }

    public void Violation(FindingKind kind, Logical? logical, string detail)
    {
        if (logical is not null && !_violationKeys.Add((kind, logical.Id)))
        {
            return;
        }

        Violations.Add(new Finding(kind, logical is null ? detail : $"{logical} ({logical.Entity}): {detail}"));
        Scheduler.Note($"FINDING {kind}: {detail}");
    }

    /// <summary>Engine ids made with Guid.NewGuid get stable aliases, so traces of one seed compare equal.</summary>
    public string Alias(string id)
    {
        if (!_aliases.TryGetValue(id, out var alias))
        {
            alias = "b" + (_aliases.Count + 1);
            _aliases[id] = alias;
        }

        return alias;
    }

    /// <summary>Everything people could see at the end, for the determinism digest.</summary>
    public ulong Digest()
    {
        var hash = Scheduler.Digest();
        foreach (var row in Salesforce.Rows)
        {
            hash = Text(hash, $"{row.Id}|{row.IsDeleted}|{row.ParentId}|{string.Join(",", row.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value))}");
        }

        foreach (var row in App.Rows)
        {
            hash = Text(hash, $"{row.Id}|{row.Deleted}|{row.SalesforceId}|{row.ParentId}|{row.Version}|{string.Join(",", row.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value))}");
        }

        foreach (var link in State.Links)
        {
            hash = Text(hash, $"{link.Entity}|{link.SalesforceId}|{link.AppId}|{link.State}");
        }

        return Text(hash, $"{Time.GetUtcNow():O}|{Salesforce.Calls}|{Queue.Sent}");
    }

    private static ulong Text(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = SimScheduler.Mix(hash, c);
        }

        return SimScheduler.Mix(hash, 0xFF);
    }

    public void Dispose()
    {
        if (_engine.World == this)
        {
            _engine.World = null;
        }
    }
}
