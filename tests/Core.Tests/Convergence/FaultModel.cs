using Microsoft.Extensions.Time.Testing;

namespace SfSync.Tests.Convergence;

/// <summary>How often each kind of fault strikes a port call, per scenario.</summary>
internal sealed record FaultProfile(
    string Name,
    double Unavailable,
    double Throttled,
    double LostAnswer,
    double Crash,
    double CrashAfterStateWrite,
    double StorageError,
    double RowLock,
    double LostMessage,
    double DuplicateMessage)
{
    public static FaultProfile None { get; } = new("none", 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static FaultProfile Light { get; } = new("light", 0.02, 0.01, 0.04, 0.01, 0.005, 0.005, 0.03, 0.05, 0.05);

    public static FaultProfile Medium { get; } = new("medium", 0.04, 0.02, 0.08, 0.02, 0.01, 0.01, 0.06, 0.1, 0.1);

    public static FaultProfile Heavy { get; } = new("heavy", 0.08, 0.03, 0.15, 0.04, 0.02, 0.02, 0.12, 0.2, 0.15);

    public FaultProfile Without(FaultKinds kinds) => this with
    {
        Unavailable = kinds.HasFlag(FaultKinds.Errors) ? 0 : Unavailable,
        Throttled = kinds.HasFlag(FaultKinds.Errors) ? 0 : Throttled,
        LostAnswer = kinds.HasFlag(FaultKinds.LostAnswers) ? 0 : LostAnswer,
        Crash = kinds.HasFlag(FaultKinds.Crashes) ? 0 : Crash,
        CrashAfterStateWrite = kinds.HasFlag(FaultKinds.Crashes) ? 0 : CrashAfterStateWrite,
        StorageError = kinds.HasFlag(FaultKinds.Crashes) ? 0 : StorageError,
        RowLock = kinds.HasFlag(FaultKinds.Rejections) ? 0 : RowLock,
        LostMessage = kinds.HasFlag(FaultKinds.Queue) ? 0 : LostMessage,
        DuplicateMessage = kinds.HasFlag(FaultKinds.Queue) ? 0 : DuplicateMessage,
    };
}

/// <summary>Fault families, for shrinking (switch one family off and see whether the finding stays).</summary>
[Flags]
internal enum FaultKinds
{
    None = 0,
    Errors = 1,
    LostAnswers = 2,
    Crashes = 4,
    Rejections = 8,
    Queue = 16,
    Outages = 32,
    UsageSpikes = 64,
    SlowTransactions = 128,
    ClockJumps = 256,
    All = 511,
}

/// <summary>
/// Decides the fault of every port call from a hash of (scenario seed, actor ordinal, the actor's call number, call kind),
/// plus the outages in force at the simulated time. Hash-keyed rather than drawn from one stream, so a seed keeps most of
/// its faults when the engine under test makes one call more or fewer.
/// </summary>
internal sealed class FaultModel(int seed, FaultProfile profile, FakeTimeProvider time)
{
    private readonly List<(bool Salesforce, DateTimeOffset From, DateTimeOffset To)> _outages = [];
    private DateTimeOffset _storageDownUntil = DateTimeOffset.MinValue;

    public FaultProfile Profile { get; } = profile;

    /// <summary>Off in the heal and quiesce phases: no faults at all.</summary>
    public bool Enabled { get; set; } = true;

    public void AddOutage(bool salesforce, TimeSpan duration) => _outages.Add((salesforce, time.GetUtcNow(), time.GetUtcNow() + duration));

    /// <summary>Table Storage answers every call with an error for a while: handlers fail and Service Bus redelivers at once.</summary>
    public void AddStorageOutage(TimeSpan duration) => _storageDownUntil = time.GetUtcNow() + duration;

    public void EndOutages()
    {
        _outages.Clear();
        _storageDownUntil = DateTimeOffset.MinValue;
    }

    public bool InOutage(bool salesforce)
    {
        var now = time.GetUtcNow();
        return _outages.Any(o => o.Salesforce == salesforce && o.From <= now && now < o.To);
    }

    public Fault Decide(Actor actor, PortCall call)
    {
        if (!Enabled)
        {
            return Fault.None;
        }

        if ((call.IsSalesforce() && InOutage(salesforce: true)) || (call.IsApp() && InOutage(salesforce: false)))
        {
            return Fault.Unavailable;
        }

        if (call.IsState() && time.GetUtcNow() < _storageDownUntil)
        {
            return Fault.StorageError;
        }

        var u = Unit(actor.Ordinal, actor.Calls, (int)call);
        var p = Profile;
        if (call.IsQueue())
        {
            // A send is atomic: refused before any effect, or taken and its acknowledgement lost after the client's retries.
            if ((u -= p.Crash) < 0)
            {
                return Fault.Crash;
            }

            if ((u -= p.Unavailable) < 0)
            {
                return Fault.Unavailable;
            }

            return u - p.LostAnswer < 0 ? Fault.LostAnswer : Fault.None;
        }

        if (call.IsState())
        {
            if ((u -= p.Crash) < 0)
            {
                return Fault.Crash;
            }

            if ((u -= p.StorageError) < 0)
            {
                return Fault.StorageError;
            }

            return call.IsWrite() && u - p.CrashAfterStateWrite < 0 ? Fault.CrashAfter : Fault.None;
        }

        if ((u -= p.Unavailable) < 0)
        {
            return Fault.Unavailable;
        }

        if ((u -= p.Throttled) < 0)
        {
            return Fault.Throttled;
        }

        if ((u -= p.Crash) < 0)
        {
            return Fault.Crash;
        }

        return call.IsWrite() && u - p.LostAnswer < 0 ? Fault.LostAnswer : Fault.None;
    }

    /// <summary>A per-record transient rejection (UNABLE_TO_LOCK_ROW) for record <paramref name="index"/> of the actor's current write.</summary>
    public bool RowLocked(Actor actor, int index) => Enabled && Unit(actor.Ordinal, actor.Calls, 1000 + index) < Profile.RowLock;

    /// <summary>Before a call of a member of an invocation: the host's lock renewal fails now (as often as a crash). The
    /// second value says whether every message of the invocation loses its lock (the connection dropped) or only this one.</summary>
    public (bool Lost, bool All) LockLost(Actor actor)
    {
        if (!Enabled || Profile.LostMessage == 0)
        {
            return (false, false);
        }

        var u = Unit(actor.Ordinal, actor.Calls, 3000);
        return (u < Profile.Crash / 2, u < Profile.Crash / 4);
    }

    /// <summary>For message <paramref name="index"/> of one send: lost by the queue (expired), delivered twice (at-least-once), or neither.</summary>
    public (bool Lost, bool Duplicated) Send(Actor actor, int index)
    {
        if (!Enabled)
        {
            return (false, false);
        }

        var u = Unit(actor.Ordinal, actor.Calls, 2000 + index);
        return (u < Profile.LostMessage, u >= Profile.LostMessage && u < Profile.LostMessage + Profile.DuplicateMessage);
    }

    private double Unit(int a, int b, int c)
    {
        var h = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
        h = SplitMix(h ^ (uint)a);
        h = SplitMix(h ^ ((ulong)(uint)b << 20));
        h = SplitMix(h ^ ((ulong)(uint)c << 40));
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
