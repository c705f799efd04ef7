namespace SfSync.Tests.Convergence;

/// <summary>What a simulated actor is: an engine entry point driven the way the host drives it.</summary>
internal enum ActorKind
{
    /// <summary>A timer tick or POST /api/sync: <c>Planner.PlanAsync</c>, which sends its batches through the queue port.</summary>
    Planner,

    /// <summary>POST /api/sync/resync: a planner run with <c>Full = true</c>.</summary>
    Resync,

    /// <summary>One Service Bus trigger invocation (<c>cardinality: many</c>): 1..5 messages handed to
    /// <c>BatchApplier.ApplyTogetherAsync</c> at once, as functions/ApplyBatch does. It makes no port call itself: its
    /// messages do, as <see cref="Delivery"/> members, and their gathered Salesforce calls as <see cref="Gathered"/>.</summary>
    Invocation,

    /// <summary>One message of an invocation: a member of its <c>CallGathering</c>, running <c>BatchApplier.ApplyAsync</c>.</summary>
    Delivery,

    /// <summary>One Composite call that carries the Salesforce calls of several members of one invocation (a gathered group).</summary>
    Gathered,

    /// <summary>POST /api/sync/records: <c>BatchApplier.SyncRecordAsync</c>.</summary>
    SyncRecord,

    /// <summary>POST /api/links: <c>LinkImporter.ImportAsync</c>.</summary>
    Import,

    /// <summary>POST /api/sync/deadletters/replay: <c>DeadLetterReplay.ReplayAsync</c>.</summary>
    Replay,
}

/// <summary>Every port method of the simulated world, the queue's sends included.</summary>
internal enum PortCall : byte
{
    SfReadChanges,
    SfRead,
    SfWrite,
    SfUsage,
    AppReadChanges,
    AppRead,
    AppUpsert,
    AppDelete,
    LinkFind,
    LinkWrite,
    CursorGet,
    CursorSave,
    OutboxSave,
    OutboxOpenPlans,
    OutboxBatches,
    OutboxBatch,
    OutboxUpdate,
    OutboxClose,
    StatusWrite,
    StatusFind,
    RunGet,
    RunSave,
    RunList,
    QueueSend,
    QueueSchedule,
}

internal static class PortCalls
{
    public static bool IsSalesforce(this PortCall call) => call <= PortCall.SfUsage;

    public static bool IsApp(this PortCall call) => call is >= PortCall.AppReadChanges and <= PortCall.AppDelete;

    public static bool IsState(this PortCall call) => call is >= PortCall.LinkFind and <= PortCall.RunList;

    public static bool IsQueue(this PortCall call) => call is PortCall.QueueSend or PortCall.QueueSchedule;

    public static bool IsWrite(this PortCall call) => call is PortCall.SfWrite or PortCall.AppUpsert or PortCall.AppDelete
        or PortCall.LinkWrite or PortCall.CursorSave or PortCall.OutboxSave or PortCall.OutboxUpdate or PortCall.OutboxClose
        or PortCall.StatusWrite or PortCall.RunSave;
}

/// <summary>What the scheduler decides for one port call when it lets the call proceed.</summary>
internal enum Fault : byte
{
    None,

    /// <summary>The side is unreachable (outage, 5xx after the adapter's retries): SideUnavailableException before any effect.</summary>
    Unavailable,

    /// <summary>Throttled (REQUEST_LIMIT_EXCEEDED / 429 after retries): SideUnavailableException before any effect.</summary>
    Throttled,

    /// <summary>The write is applied, then its answer is lost: SideUnavailableException after the effect.</summary>
    LostAnswer,

    /// <summary>The process dies at this port call, before its effect: the actor is aborted (a queue message stays locked until its lock expires).</summary>
    Crash,

    /// <summary>A state write is applied, then the process dies before it sees the answer.</summary>
    CrashAfter,

    /// <summary>Table Storage answers with an error the engine does not handle: the invocation fails (Service Bus redelivers at once).</summary>
    StorageError,
}

/// <summary>The process died: the actor stops here. Not an engine failure.</summary>
internal sealed class SimCrashException(string where) : Exception($"simulated crash at {where}");

/// <summary>A storage error that escapes the engine (as RequestFailedException would). Not an engine failure.</summary>
internal sealed class SimStorageException(string where) : Exception($"simulated storage error at {where}");

/// <summary>The scheduler could not keep the run on one thread: a continuation did not run inline.</summary>
internal sealed class NondeterminismException(string message) : Exception(message);

/// <summary>One simulated concurrent activity. Its port calls park it until the scheduler lets it proceed.</summary>
internal sealed class Actor(int ordinal, ActorKind kind, string name)
{
    public int Ordinal { get; } = ordinal;

    public ActorKind Kind { get; } = kind;

    public string Name { get; } = name;

    public Task? Task { get; set; }

    /// <summary>When the invocation started (simulated clock): the host's functionTimeout counts from here.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The host killed this invocation after its functionTimeout (see <see cref="SimScheduler.FunctionTimeout"/>).</summary>
    public bool TimedOut { get; set; }

    /// <summary>Port calls made so far; with the ordinal it keys the fault decision, so an engine change that adds a call
    /// only shifts that actor's later decisions.</summary>
    public int Calls { get; set; }

    public Exception? Error { get; set; }

    /// <summary>Operation of this actor's first read of either side (a reconcile's snapshot starts there).</summary>
    public long? FirstRead { get; set; }

    public object? Payload { get; set; }

    /// <summary>Global operation number of this actor's last Salesforce read of each record (read→write windows).</summary>
    public Dictionary<string, long> SalesforceReads { get; } = new(StringComparer.Ordinal);

    /// <summary>Global operation number of this actor's last app read of each record.</summary>
    public Dictionary<string, long> AppReads { get; } = new(StringComparer.Ordinal);

    internal TaskCompletionSource<Fault>? Parked { get; set; }

    internal PortCall ParkedCall { get; set; }

    public bool IsDone => Task is { IsCompleted: true } || Finished;

    /// <summary>For a <see cref="ActorKind.Delivery"/> member or a <see cref="ActorKind.Gathered"/> call: its invocation.</summary>
    public Actor? Invocation { get; init; }

    /// <summary>For a member: its item of the invocation's <c>CallGathering</c>.</summary>
    internal SfSync.Salesforce.CallGathering.Member? Gathering { get; init; }

    /// <summary>For an invocation: its members in the order they made their first port call (the order of its messages).</summary>
    public List<Actor> Members { get; } = [];

    internal Dictionary<SfSync.Salesforce.CallGathering.Member, Actor> MemberOf { get; } = [];

    /// <summary>For an invocation: names and payloads of its members by index (set by whoever starts it).</summary>
    public Func<int, (string Name, object? Payload)>? MemberInfo { get; init; }

    /// <summary>For an invocation: the process died (a crash or the function timeout at any member's call); every call of
    /// every member from then on is aborted before its effect.</summary>
    public bool Dead { get; set; }

    /// <summary>For a gathered call: the members' calls it carries.</summary>
    internal GatheredCall? Group { get; init; }

    /// <summary>A member whose flow has ended, or a gathered call that was sent.</summary>
    public bool Finished { get; set; }

    internal SimScheduler? Owner { get; init; }

    public override string ToString() => Name;
}

/// <summary>What a member's Salesforce call would put into a Composite request: how many queries or sObject Collections
/// (the REST adapter's <c>HeavySubrequests</c>, five a request), and whether the request is not replayable (a create
/// without an External ID: the adapter's coalescer keeps such writes apart from replayable calls).</summary>
internal readonly record struct Gather(int Subrequests, bool NotReplayable);

/// <summary>Members' Salesforce calls waiting to go as one Composite request, as <c>CompositeCoalescer</c> groups them.</summary>
internal sealed class GatheredCall(Actor invocation, bool notReplayable, DateTimeOffset openedAt)
{
    public Actor Invocation { get; } = invocation;

    public bool NotReplayable { get; } = notReplayable;

    public DateTimeOffset OpenedAt { get; } = openedAt;

    public int Subrequests { get; set; }

    public bool Flushed { get; set; }

    public List<(Actor Member, TaskCompletionSource<Fault> Source, PortCall Call)> Waiters { get; } = [];
}

/// <summary>One line of the trace: who did what, with which fault. Compact so that recording every step is cheap.</summary>
internal readonly record struct TraceEntry(int Operation, int Seconds, int Actor, PortCall Call, Fault Fault, string? Note)
{
    public string Format(IReadOnlyList<Actor> actors)
    {
        var at = $"#{Operation} {Seconds / 3600}:{Seconds / 60 % 60:D2}:{Seconds % 60:D2}";
        return Note is null
            ? $"{at} {actors[Actor].Name} {Call}{(Fault == Fault.None ? "" : " !" + Fault)}"
            : Actor < 0 ? $"{at} {Note}" : $"{at} {actors[Actor].Name}: {Note}";
    }
}

/// <summary>
/// A deterministic cooperative scheduler. Every simulated port method first awaits <see cref="EnterAsync"/>, which parks
/// the calling actor on a TaskCompletionSource; the scheduler picks (with the scenario's seeded Random) which parked actor
/// proceeds and completes its source. The source uses the default options, so the continuation runs inline on the
/// scheduler's thread until the actor parks again or finishes: the engine awaits with ConfigureAwait(false) and never
/// delays, so one thread runs the whole scenario. <see cref="Resume"/> checks that this held after every step.
/// </summary>
internal sealed class SimScheduler(FaultModel faults, TimeProvider time)
{
    private static readonly AsyncLocal<Actor?> CurrentActor = new();

    /// <summary>
    /// host.json functionTimeout. Every actor is one Functions invocation (timer, HTTP or Service Bus trigger); the host
    /// gives up on an invocation that has run this long and restarts the worker, so the handler does nothing more. The
    /// suite models that kill at the invocation's next port call after the timeout: the call is aborted before its effect,
    /// as a crash (a Service Bus message's lock then lapses; see <see cref="SimQueue.Crashed"/>).
    /// </summary>
    public static readonly TimeSpan FunctionTimeout = TimeSpan.FromMinutes(10);

    private readonly List<Actor> _parked = [];
    private readonly List<Actor> _actors = [];
    private readonly List<TraceEntry> _trace = [];

    /// <summary>The calling actor; inside an invocation, the member (message) whose flow this is.</summary>
    public static Actor? Current => CurrentActor.Value is { Kind: ActorKind.Invocation } invocation && SfSync.Salesforce.CallGathering.Current is { } member
        ? invocation.Owner!.MemberFor(invocation, member)
        : CurrentActor.Value;

    private readonly List<GatheredCall> _open = [];

    /// <summary>True while the second and later members of a gathered call are served: one Composite request is one API call.</summary>
    public bool SharedCall { get; private set; }

    public FaultModel Faults { get; } = faults;

    /// <summary>Global operation counter: port calls that proceeded and people's actions.</summary>
    public long Operation { get; private set; }

    public int Steps { get; private set; }

    public IReadOnlyList<Actor> Actors => _actors;

    public IReadOnlyList<Actor> ParkedActors => _parked;

    public IReadOnlyList<TraceEntry> Trace => _trace;

    public bool AnyParked => _parked.Count > 0;

    /// <summary>Whether the verbose annotations (feeds, cursors, outbox) are worth building: off for bulk runs.</summary>
    public bool Tracing { get; set; } = true;

    /// <summary>Called by every simulated port method before it does anything.</summary>
    public Task<Fault> EnterAsync(PortCall call, Gather? gather = null)
    {
        var actor = Current ?? throw new InvalidOperationException($"Port call {call} made outside an actor.");
        if (actor.Invocation is { } invocation)
        {
            if (actor.Finished)
            {
                throw new NondeterminismException($"{actor.Name} made a port call ({call}) after its flow had ended.");
            }

            if (invocation.Dead)
            {
                return Task.FromResult(Fault.Crash); // the process is gone: this call never happens
            }

            if (gather is { Subrequests: > 0 and < SfSync.Salesforce.Rest.CompositeCoalescer.HeavySubrequests } g && actor.Gathering is not null)
            {
                return Join(actor, invocation, call, g);
            }
        }

        if (actor.Parked is not null)
        {
            throw new NondeterminismException($"{actor.Name} made two port calls at once ({actor.ParkedCall}, {call}).");
        }

        var source = new TaskCompletionSource<Fault>();
        actor.Parked = source;
        actor.ParkedCall = call;
        _parked.Add(actor);
        return source.Task;
    }

    /// <summary>
    /// A member's Salesforce call joins its invocation's open group, as <c>CompositeCoalescer.SendAsync</c> does: a group
    /// with no room goes first; a full one goes at once; otherwise the member parks in the invocation's real
    /// <c>CallGathering</c>, which sends the group once every live member waits at a Salesforce call or has finished.
    /// A sent group is one schedulable call. The coalescer's <c>GatheringTimeout</c> (10 s) is not modelled: it frees a
    /// group from a member stuck retrying a side for that long, which the simulated ports never do, while the simulated
    /// clock runs seconds per step of any actor (a Table call takes milliseconds), so a timeout in simulated time would
    /// split nearly every group that production keeps together.
    /// </summary>
    private Task<Fault> Join(Actor member, Actor invocation, PortCall call, Gather gather)
    {
        if (member.Parked is not null)
        {
            throw new NondeterminismException($"{member.Name} made two port calls at once ({member.ParkedCall}, {call}).");
        }

        var group = _open.FirstOrDefault(g => g.Invocation == invocation && g.NotReplayable == gather.NotReplayable);
        if (group is not null && group.Subrequests + gather.Subrequests > SfSync.Salesforce.Rest.CompositeCoalescer.HeavySubrequests)
        {
            Flush(group);
            group = null;
        }

        if (group is null)
        {
            group = new GatheredCall(invocation, gather.NotReplayable, time.GetUtcNow());
            _open.Add(group);
        }

        var source = new TaskCompletionSource<Fault>();
        member.Parked = source;
        member.ParkedCall = call;
        group.Waiters.Add((member, source, call));
        group.Subrequests += gather.Subrequests;
        if (group.Subrequests >= SfSync.Salesforce.Rest.CompositeCoalescer.HeavySubrequests)
        {
            Flush(group);
        }
        else
        {
            member.Gathering!.Park(() => Flush(group));
        }

        return source.Task;
    }

    private void Flush(GatheredCall group)
    {
        if (group.Flushed)
        {
            return;
        }

        group.Flushed = true;
        _open.Remove(group);
        foreach (var (member, _, _) in group.Waiters)
        {
            member.Gathering!.Unpark(); // busy again until its next call, as the coalescer's Flush says
        }

        if (group.Invocation.Dead)
        {
            Answer(group, Fault.Crash);
            return;
        }

        var calls = group.Waiters.Select(w => w.Call).ToList();
        var unit = new Actor(_actors.Count, ActorKind.Gathered, $"{group.Invocation.Name}:composite×{group.Waiters.Count}")
        {
            StartedAt = group.Invocation.StartedAt,
            Invocation = group.Invocation,
            Group = group,
            Owner = this,
            Parked = new TaskCompletionSource<Fault>(),
            ParkedCall = calls.Contains(PortCall.SfWrite) ? PortCall.SfWrite : calls[0],
        };
        _actors.Add(unit);
        _parked.Add(unit);
    }

    /// <summary>Every member of a gathered call gets the call's one fault, in the order they joined; each runs on inline
    /// until it parks again or ends, and the first is the one API call (<see cref="SharedCall"/> for the others).</summary>
    private void Answer(GatheredCall group, Fault fault)
    {
        for (var i = 0; i < group.Waiters.Count; i++)
        {
            var (member, source, _) = group.Waiters[i];
            member.Parked = null;
            member.Calls++;
            SharedCall = i > 0;
            try
            {
                source.SetResult(fault);
            }
            finally
            {
                SharedCall = false;
            }

            if (member.Parked is null)
            {
                member.Finished = true;
            }
        }
    }

    /// <summary>The invocation's process died: every other call of its members is aborted before its effect.</summary>
    private void Kill(Actor invocation)
    {
        invocation.Dead = true;
        for (var guard = 0; guard < 1000; guard++)
        {
            if (_open.FirstOrDefault(g => g.Invocation == invocation) is { } open)
            {
                open.Flushed = true;
                _open.Remove(open);
                Answer(open, Fault.Crash);
                continue;
            }

            if (_parked.FirstOrDefault(a => a.Invocation == invocation) is not { } parked)
            {
                return;
            }

            _parked.Remove(parked);
            if (parked.Group is { } group)
            {
                parked.Parked = null;
                parked.Finished = true;
                Answer(group, Fault.Crash);
            }
            else
            {
                var source = parked.Parked!;
                parked.Parked = null;
                source.SetResult(Fault.Crash);
                if (parked.Parked is null)
                {
                    parked.Finished = true;
                }
            }
        }
    }

    internal Actor MemberFor(Actor invocation, SfSync.Salesforce.CallGathering.Member gathering)
    {
        if (invocation.MemberOf.TryGetValue(gathering, out var known))
        {
            return known;
        }

        var (name, payload) = invocation.MemberInfo?.Invoke(invocation.Members.Count) ?? ($"{invocation.Name}/{invocation.Members.Count}", null);
        var member = new Actor(_actors.Count, ActorKind.Delivery, name) { StartedAt = invocation.StartedAt, Invocation = invocation, Gathering = gathering, Payload = payload, Owner = this };
        _actors.Add(member);
        invocation.Members.Add(member);
        invocation.MemberOf[gathering] = member;
        return member;
    }

    /// <summary>Starts an actor; its body runs synchronously up to its first port call.</summary>
    public Actor Start(ActorKind kind, string name, Func<Actor, Task> body, object? payload = null, Func<int, (string Name, object? Payload)>? members = null)
    {
        var actor = new Actor(_actors.Count, kind, name) { Payload = payload, StartedAt = time.GetUtcNow(), Owner = this, MemberInfo = members };
        _actors.Add(actor);
        Note($"start {name}");
        actor.Task = RunAsync(actor, body);
        return actor;
    }

    private static async Task RunAsync(Actor actor, Func<Actor, Task> body)
    {
        CurrentActor.Value = actor; // flows into every continuation of this actor only
        try
        {
            await body(actor);
        }
        catch (Exception ex)
        {
            actor.Error = ex;
        }
    }

    /// <summary>Lets one parked actor's port call proceed, with the fault the fault model picks for it.</summary>
    public void Resume(Actor actor)
    {
        var source = actor.Parked ?? throw new InvalidOperationException($"{actor.Name} is not parked.");
        _parked.Remove(actor);
        var call = actor.ParkedCall;
        var fault = Faults.Decide(actor, call);
        if (time.GetUtcNow() - actor.StartedAt > FunctionTimeout)
        {
            // The host killed the invocation: whatever the fault model would have chosen, this call never happens.
            fault = Fault.Crash;
            actor.TimedOut = true;
        }

        actor.Parked = null;
        actor.Calls++;
        Operation++;
        Steps++;
        _trace.Add(new TraceEntry((int)Operation, Seconds(), actor.Ordinal, call, fault, null));
        var dies = actor.Invocation is { } invocation && fault is Fault.Crash or Fault.CrashAfter;
        if (dies)
        {
            actor.Invocation!.Dead = true; // whatever the members do next (a finally, a catch) never reaches a port
        }

        if (actor.Group is { } group)
        {
            actor.Finished = true;
            Answer(group, fault);
        }
        else
        {
            source.SetResult(fault);
            if (actor.Invocation is not null && actor.Parked is null)
            {
                actor.Finished = true; // a member's flow ended (its item of the gathering returned)
            }
            else if (actor.Parked is null && !actor.IsDone)
            {
                throw new NondeterminismException($"{actor.Name} resumed at {call} but neither parked again nor finished: a continuation left the scheduler thread.");
            }
        }

        if (dies)
        {
            Kill(actor.Invocation!);
        }
    }

    /// <summary>Runs one actor alone until it finishes (sequential phases).</summary>
    public void RunToEnd(Actor actor, int maxSteps = 100_000)
    {
        for (var i = 0; !actor.IsDone; i++)
        {
            if (i > maxSteps)
            {
                throw new InvalidOperationException($"{actor.Name} did not finish within {maxSteps} steps.");
            }

            Resume(actor);
        }
    }

    /// <summary>Records a person's action or an event in the trace and counts it as an operation.</summary>
    public long Note(string what)
    {
        Operation++;
        _trace.Add(new TraceEntry((int)Operation, Seconds(), -1, PortCall.QueueSend, Fault.None, what));
        return Operation;
    }

    /// <summary>Annotates the current step of an actor (e.g. a per-record rejection).</summary>
    public void Annotate(Actor actor, string what) =>
        _trace.Add(new TraceEntry((int)Operation, Seconds(), actor.Ordinal, actor.ParkedCall, Fault.None, what));

    public string FormatTrace(int last) => string.Join('\n', _trace.Skip(Math.Max(0, _trace.Count - last)).Select(t => t.Format(_actors)));

    /// <summary>A digest of every step (actor, call, fault, notes): two runs of one seed must agree.</summary>
    public ulong Digest()
    {
        var hash = 14695981039346656037UL;
        foreach (var entry in _trace)
        {
            hash = Mix(hash, (ulong)(uint)entry.Actor);
            hash = Mix(hash, (ulong)(uint)entry.Seconds);
            hash = Mix(hash, (ulong)entry.Call);
            hash = Mix(hash, (ulong)entry.Fault);
            if (entry.Note is { } note)
            {
                foreach (var c in note)
                {
                    hash = Mix(hash, c);
                }
            }
        }

        return hash;
    }

    private int Seconds() => (int)(time.GetUtcNow() - SimWorld.Epoch).TotalSeconds;

    public static ulong Mix(ulong hash, ulong value) => (hash ^ value) * 1099511628211UL;
}
