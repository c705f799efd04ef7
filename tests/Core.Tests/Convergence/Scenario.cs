using SfSync.Reconciling;

namespace SfSync.Tests.Convergence;

internal enum EventKind : byte
{
    /// <summary>A timer tick (or POST /api/sync): a planner run, possibly overlapping others.</summary>
    Timer,

    /// <summary>POST /api/sync/resync.</summary>
    Resync,

    /// <summary>POST /api/sync/records for a random record.</summary>
    SyncRecord,

    /// <summary>A person creates, edits, clears, moves or deletes something on either side.</summary>
    Person,

    /// <summary>A person edits a record that a batch in flight has already read (inside its read→write window).</summary>
    WindowEdit,

    /// <summary>A person's Salesforce save in a slow transaction: stamped now, visible later (within the lookback).</summary>
    SlowEdit,

    /// <summary>The clock jumps past the stall timeout.</summary>
    ClockJump,

    /// <summary>A few minutes pass.</summary>
    Wait,

    SalesforceOutage,
    AppOutage,

    /// <summary>The org's API usage rises above the pause threshold for a while.</summary>
    UsageSpike,

    /// <summary>Table Storage fails every call for a while: deliveries fail, are redelivered at once and dead-letter.</summary>
    StorageOutage,
}

/// <summary>One scripted event; its own seed picks its details, so dropping an event (shrinking) leaves the others alone.</summary>
internal readonly record struct ScenarioEvent(EventKind Kind, int Seed);

/// <summary>Everything a scenario is, derived from its seed; shrinking only removes events and switches fault families off.</summary>
internal sealed record ScenarioSpec(int Seed, AccountMatching Matching, bool ExternalIdMode, FaultProfile Profile, IReadOnlyList<ScenarioEvent> Events)
{
    /// <summary>Fault families switched off (shrinking).</summary>
    public FaultKinds Off { get; init; }

    /// <summary>The org's clock against the engine's: within ±8 minutes, inside the engine's 10-minute marker tolerance.</summary>
    public TimeSpan ClockSkew { get; init; }

    /// <summary>Whether the org says which changes are committed (Get Updated's latestDateCovered); when it does, slow
    /// transactions may outlast the lookback, as real batch jobs do.</summary>
    public bool OrgSaysCommitted { get; init; }

    public bool Has(FaultKinds kind) => !Off.HasFlag(kind) && Profile != FaultProfile.None;

    public static ScenarioSpec Generate(int seed)
    {
        var r = new Random(unchecked((seed * 48271) ^ 0x2545F491));
        var matching = r.Next(5) == 0 ? AccountMatching.ExactName : AccountMatching.LeaveDuplicates;
        var externalId = r.Next(10) < 3;
        var roll = r.Next(100);
        var profile = roll < 12 ? FaultProfile.None : roll < 45 ? FaultProfile.Light : roll < 85 ? FaultProfile.Medium : FaultProfile.Heavy;
        var count = r.Next(10, 36);
        var events = new List<ScenarioEvent>(count);
        for (var i = 0; i < count; i++)
        {
            events.Add(new ScenarioEvent(PickKind(r, profile), r.Next()));
        }

        // From a stream of its own, so that adding it left every seed's events as they were.
        var clock = new Random(unchecked(seed ^ 0x5EED5EED));
        var skew = clock.Next(2) == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(clock.Next(-480, 481));
        var says = new Random(unchecked(seed ^ 0x1A7EC0DE)).Next(4) != 0;
        return new ScenarioSpec(seed, matching, externalId, profile, events) { ClockSkew = skew, OrgSaysCommitted = says };
    }

    private static EventKind PickKind(Random r, FaultProfile profile)
    {
        var faults = profile != FaultProfile.None;
        var roll = r.Next(100);
        return roll switch
        {
            < 16 => EventKind.Timer,
            < 18 => EventKind.Resync,
            < 21 => EventKind.SyncRecord,
            < 64 => EventKind.Person,
            < 74 => EventKind.WindowEdit,
            < 79 => faults ? EventKind.SlowEdit : EventKind.Person,
            < 83 => faults ? EventKind.ClockJump : EventKind.Wait,
            < 88 => EventKind.Wait,
            < 89 => faults ? EventKind.StorageOutage : EventKind.Wait,
            < 92 => faults ? EventKind.SalesforceOutage : EventKind.Timer,
            < 95 => faults ? EventKind.AppOutage : EventKind.Timer,
            < 97 => faults ? EventKind.UsageSpike : EventKind.Person,
            _ => EventKind.Timer,
        };
    }

    public override string ToString() =>
        $"seed {Seed}: {Matching}{(ExternalIdMode ? ", External ID" : "")}{(ClockSkew == TimeSpan.Zero ? "" : $", Salesforce clock {ClockSkew.TotalSeconds:+0;-0}s")}{(OrgSaysCommitted ? "" : ", org silent on commits")}, faults {Profile.Name}{(Off == FaultKinds.None ? "" : $" without {Off}")}, {Events.Count} events";
}
