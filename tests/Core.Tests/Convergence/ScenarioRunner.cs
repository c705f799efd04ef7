using SfSync.Linking;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;

namespace SfSync.Tests.Convergence;

internal sealed record ScenarioResult(ScenarioSpec Spec, IReadOnlyList<Finding> Findings, ulong Digest, int Steps, string Trace)
{
    public bool Failed => Findings.Count > 0;

    public IReadOnlySet<FindingKind> Kinds => Findings.Select(f => f.Kind).ToHashSet();
}

/// <summary>
/// Runs one scenario: build the world from the seed, import pre-linked pairs, chaos (people, planner runs, deliveries,
/// single-record syncs and faults interleaved at every port call), heal (faults off, outages over, slow saves committed,
/// the clock past the stall timeout, a sync requested for each permanently rejected record), quiesce (timer runs and
/// queue drains until a run plans nothing), the oracle, and one more planner run for the idle-run rules.
/// </summary>
internal sealed class ScenarioRunner : IDisposable
{
    public const int MaxQuiesceRounds = 40;
    private const int MaxChaosIterations = 60_000;
    /// <summary>Trigger invocations in flight at once (host.json maxConcurrentCalls, or as many instances).</summary>
    private const int MaxConcurrentInvocations = 4;

    /// <summary>host.json serviceBus.maxMessageBatchSize: the messages one invocation is handed (1..this, seeded).</summary>
    public const int MaxMessagesPerInvocation = 5;

    private readonly ScenarioSpec _spec;
    private readonly SimWorld _world;
    private readonly People _people;
    private readonly Random _schedule;
    private readonly List<Finding> _findings = [];
    private DateTimeOffset? _spikeUntil;
    private int _runs;
    private PlanOutcome? _lastPlan;
    private Action<SimWorld>? _tamper;
    private readonly List<Actor> _invocations = [];

    private ScenarioRunner(ScenarioSpec spec)
    {
        _spec = spec;
        var profile = spec.Profile.Without(spec.Off);
        _world = new SimWorld(spec.Seed, profile, spec.Matching, spec.ExternalIdMode);
        _world.Salesforce.ClockSkew = spec.ClockSkew;
        _world.Salesforce.SaysCommitted = spec.OrgSaysCommitted;
        _people = new People(_world);
        _schedule = new Random(unchecked((spec.Seed * 7919) + 17));
    }

    /// <param name="tamper">Test hook: changes the quiesced world before the oracle looks (to prove the oracle catches it).</param>
    public static ScenarioResult Run(ScenarioSpec spec, int traceLines = 40, Action<SimWorld>? tamper = null)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null); // continuations must run inline on this thread
        try
        {
            using var runner = new ScenarioRunner(spec) { _tamper = tamper };
            var world = runner._world;
            world.Scheduler.Tracing = traceLines > 0;
            try
            {
                runner.RunPhases();
            }
            catch (NondeterminismException ex)
            {
                runner._findings.Add(new Finding(FindingKind.Nondeterministic, ex.Message));
            }

            var findings = world.Violations.Concat(runner._findings).ToList();
            var trace = traceLines <= 0 ? "" : world.Scheduler.FormatTrace(traceLines);
            return new ScenarioResult(spec, findings, world.Digest(), world.Scheduler.Steps, trace);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    public void Dispose() => _world.Dispose();

    private void RunPhases()
    {
        var imports = BuildWorld(new Random(_spec.Seed));
        Import(imports);
        Chaos();
        Heal();
        var quiet = Quiesce();
        _tamper?.Invoke(_world);
        Oracle.Check(_world, _people, _findings, converged: quiet);
        if (quiet)
        {
            IdleRun();
        }

        foreach (var message in _world.Queue.DeadLettered.Where(m => !_world.AppliedBatches.Contains((m.PlanId, m.BatchId)) && !_world.WithdrawnPlans.Contains(m.PlanId)))
        {
            _findings.Add(new Finding(FindingKind.DeadLettered, $"message of batch {_world.Alias(message.BatchId)} dead-lettered after {message.DeliveryCount} deliveries and never applied"));
        }
    }

    // ---- The world before the first sync ----

    private List<(EntityKind Entity, SalesforceId Salesforce, AppId App)> BuildWorld(Random r)
    {
        var rejections = _spec.Has(FaultKinds.Rejections);
        for (var i = r.Next(1, 4); i > 0; i--)
        {
            _people.CreateSalesforceAccount(r);
        }

        for (var i = r.Next(0, 3); i > 0; i--)
        {
            _people.CreateAppCustomer(r, disabled: r.Next(10) == 0);
        }

        if (_spec.Matching == AccountMatching.ExactName)
        {
            for (var i = r.Next(0, 3); i > 0; i--)
            {
                _people.CreateSameNameAccounts(r);
            }
        }

        var imports = new List<(EntityKind, SalesforceId, AppId)>();
        if (r.Next(10) < 4)
        {
            for (var i = r.Next(0, 2); i > 0; i--)
            {
                var (sf, app) = _people.CreateImportPair(r, EntityKind.Account);
                imports.Add((EntityKind.Account, sf, app));
            }

            for (var i = r.Next(1, 3); i > 0; i--)
            {
                var (sf, app) = _people.CreateImportPair(r, EntityKind.Contact);
                imports.Add((EntityKind.Contact, sf, app));
            }
        }

        for (var i = r.Next(0, 4); i > 0; i--)
        {
            _people.CreateSalesforceContact(r);
        }

        for (var i = r.Next(0, 4); i > 0; i--)
        {
            _people.CreateAppContact(r, disabled: r.Next(12) == 0);
        }

        for (var i = r.Next(0, 3); i > 0; i--)
        {
            _people.CreateMatchedContacts(r, disabled: r.Next(10) == 0);
        }

        if (r.Next(4) == 0)
        {
            var (salesforce, app) = r.Next(3) switch { 0 => (1, 2), 1 => (2, 1), _ => (2, 2) };
            _people.CreateTwins(r, _spec.Matching == AccountMatching.ExactName && r.Next(2) == 0 ? EntityKind.Account : EntityKind.Contact, salesforce, app);
        }

        if (rejections && r.Next(10) < 3)
        {
            var candidates = _world.Logicals.Where(l => !l.Disabled).ToList();
            var target = candidates[r.Next(candidates.Count)];
            (r.Next(2) == 0 ? _world.Salesforce.Rejecting : _world.App.Rejecting).Add(target);
            _world.Scheduler.Note($"validation rule rejects writes of {target} on one side until heal");
        }

        return imports;
    }

    /// <summary>The pre-link import runs before the first sync (as §5 says); a crash makes the operator run it again.</summary>
    private void Import(List<(EntityKind Entity, SalesforceId Salesforce, AppId App)> pairs)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        foreach (var group in pairs.GroupBy(p => p.Entity))
        {
            var rows = group.Select(p => new LinkPair(p.Salesforce.Value, p.App.Value)).ToArray();
            for (var attempt = 1; attempt <= 8; attempt++)
            {
                LinkImportResult? result = null;
                var actor = Start(ActorKind.Import, $"import{attempt}-{group.Key}", async _ => result = await _world.Importer.ImportAsync(group.Key, rows));
                Drive(actor);
                if (actor.Error is null)
                {
                    _world.Scheduler.Note($"import of {rows.Length} {group.Key} pairs: {result!.Linked} linked, {result.Skipped} skipped, {result.Errors.Count} errors");
                    break;
                }
            }
        }
    }

    // ---- Chaos ----

    private void Chaos()
    {
        var events = _spec.Events;
        var next = 0;
        for (var iteration = 0; ; iteration++)
        {
            if (iteration > MaxChaosIterations)
            {
                _findings.Add(new Finding(FindingKind.NotQuiescent, $"the chaos phase did not end within {MaxChaosIterations} steps"));
                return;
            }

            _world.Time.Advance(TimeSpan.FromMilliseconds(_schedule.Next(0, 1500)));
            Tick();
            var parked = _world.Scheduler.ParkedActors;
            var canEvent = next < events.Count;
            var canResume = parked.Count > 0;
            var canDeliver = _world.Queue.AnyVisible && _invocations.Count < MaxConcurrentInvocations;
            if (!canEvent && !canResume && !canDeliver)
            {
                return;
            }

            var roll = _schedule.NextDouble();
            if (canEvent && (roll < 0.2 || (!canResume && !canDeliver)))
            {
                Execute(events[next++]);
            }
            else if (canDeliver && (roll < 0.38 || !canResume))
            {
                Deliver(ReceiveInvocation()!);
            }
            else
            {
                Step(parked[_schedule.Next(parked.Count)]);
            }
        }
    }

    private void Tick()
    {
        _people.CommitDue();
        if (_spikeUntil is { } until && _world.Time.GetUtcNow() >= until)
        {
            _world.Salesforce.UsageSpike = false;
            _spikeUntil = null;
            _world.Scheduler.Note("API usage drops below the threshold");
        }

        _world.Queue.Tick();
    }

    /// <summary>The host receives up to <see cref="MaxMessagesPerInvocation"/> visible messages for one invocation (how
    /// many are there when it asks is the schedule's choice); null when none is visible.</summary>
    private List<SimQueue.Message>? ReceiveInvocation()
    {
        var size = _schedule.Next(1, MaxMessagesPerInvocation + 1);
        var messages = new List<SimQueue.Message>();
        while (messages.Count < size && _world.Queue.Receive(_schedule) is { } message)
        {
            messages.Add(message);
        }

        return messages.Count == 0 ? null : messages;
    }

    private void Execute(ScenarioEvent e)
    {
        var r = new Random(e.Seed);
        var planning = _world.Planning;
        switch (e.Kind)
        {
            case EventKind.Timer:
                StartPlanner(full: false);
                break;
            case EventKind.Resync:
                StartPlanner(full: true);
                break;
            case EventKind.SyncRecord:
                StartSyncRecord(r);
                break;
            case EventKind.Person:
                PersonAction(r);
                break;
            case EventKind.WindowEdit:
                WindowEdit(r);
                break;
            case EventKind.SlowEdit when _spec.Has(FaultKinds.SlowTransactions):
                // Visible before the lookback window has passed it by, as §3's lookback assumes — unless the org says what
                // is committed: then a transaction may run three lookbacks long.
                _people.EditSalesforce(r, slow: TimeSpan.FromSeconds(r.Next(2, _spec.OrgSaysCommitted ? (int)planning.SalesforceLookback.TotalSeconds * 3 : (int)planning.SalesforceLookback.TotalSeconds - 60)));
                break;
            case EventKind.SlowEdit:
                _people.EditSalesforce(r);
                break;
            case EventKind.ClockJump when _spec.Has(FaultKinds.ClockJumps):
                var jump = planning.StallTimeout + TimeSpan.FromSeconds(r.Next(1, 900));
                _world.Scheduler.Note($"clock jumps {jump.TotalMinutes:0.#} min");
                _world.Time.Advance(jump);
                break;
            case EventKind.ClockJump:
            case EventKind.Wait:
                var wait = TimeSpan.FromSeconds(r.Next(20, 400));
                _world.Scheduler.Note($"{wait.TotalSeconds:0} s pass");
                _world.Time.Advance(wait);
                break;
            case EventKind.SalesforceOutage or EventKind.AppOutage when _spec.Has(FaultKinds.Outages):
                var length = TimeSpan.FromSeconds(r.Next(30, 1500));
                _world.Faults.AddOutage(e.Kind == EventKind.SalesforceOutage, length);
                _world.Scheduler.Note($"{(e.Kind == EventKind.SalesforceOutage ? "Salesforce" : "app")} outage for {length.TotalMinutes:0.#} min");
                break;
            case EventKind.StorageOutage when _spec.Has(FaultKinds.Outages):
                var down = TimeSpan.FromSeconds(r.Next(30, 300));
                _world.Faults.AddStorageOutage(down);
                _world.Scheduler.Note($"Table Storage outage for {down.TotalMinutes:0.#} min");
                break;
            case EventKind.UsageSpike when _spec.Has(FaultKinds.UsageSpikes):
                _world.Salesforce.UsageSpike = true;
                var spike = TimeSpan.FromSeconds(r.Next(120, 2400));
                _spikeUntil = _world.Time.GetUtcNow() + spike;
                _world.Scheduler.Note($"API usage spikes above the pause threshold for {spike.TotalMinutes:0.#} min");
                break;
            default:
                PersonAction(r);
                break;
        }
    }

    private void PersonAction(Random r)
    {
        var exact = _spec.Matching == AccountMatching.ExactName;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var roll = r.Next(100);
            var done = roll switch
            {
                < 24 => _people.EditSalesforce(r),
                < 48 => _people.EditApp(r),
                < 54 => _people.CreateSalesforceContact(r) is not null,
                < 60 => _people.CreateAppContact(r, disabled: r.Next(12) == 0) is not null,
                < 63 => _people.CreateSalesforceAccount(r) is not null,
                < 66 => _people.CreateAppCustomer(r, disabled: r.Next(10) == 0) is not null,
                < 69 => _people.CreateMatchedContacts(r, disabled: r.Next(8) == 0) is not null,
                < 70 => exact && _people.CreateSameNameAccounts(r) is not null,
                < 71 => Twins(r, exact),
                < 76 => _people.MoveSalesforceContact(r),
                < 81 => _people.MoveAppContact(r),
                < 85 => _people.DeleteSalesforce(r, EntityKind.Contact),
                < 89 => _people.DeleteApp(r, EntityKind.Contact),
                < 91 => _people.DeleteSalesforce(r, EntityKind.Account),
                < 94 => _people.DeleteApp(r, EntityKind.Account),
                _ => _people.EditSalesforce(r),
            };
            if (done)
            {
                if (_spec.Has(FaultKinds.Rejections) && r.Next(25) == 0 && _world.Logicals[^1] is { Disabled: false } created && created.Events.Count == 0)
                {
                    (r.Next(2) == 0 ? _world.Salesforce.Rejecting : _world.App.Rejecting).Add(created);
                    _world.Scheduler.Note($"validation rule rejects writes of {created} on one side until heal");
                }

                return;
            }
        }
    }

    private bool Twins(Random r, bool exact)
    {
        var (salesforce, app) = r.Next(3) switch { 0 => (1, 2), 1 => (2, 1), _ => (2, 2) };
        _people.CreateTwins(r, exact && r.Next(2) == 0 ? EntityKind.Account : EntityKind.Contact, salesforce, app);
        return true;
    }

    /// <summary>A person edits a record that a batch in flight has read and not yet written.</summary>
    private void WindowEdit(Random r)
    {
        var readers = _world.Scheduler.ParkedActors.Where(a => a.Kind is ActorKind.Delivery or ActorKind.SyncRecord && (a.SalesforceReads.Count > 0 || a.AppReads.Count > 0)).ToList();
        if (readers.Count == 0)
        {
            PersonAction(r);
            return;
        }

        var reader = readers[r.Next(readers.Count)];
        var salesforce = reader.SalesforceReads.Keys.ToList();
        var app = reader.AppReads.Keys.ToList();
        var useSalesforce = app.Count == 0 || (salesforce.Count > 0 && r.Next(2) == 0);
        if (useSalesforce && SalesforceId.TryParse(salesforce[r.Next(salesforce.Count)], out var id) && _world.Salesforce.Find(id) is { } sfRow)
        {
            if (sfRow.Entity == EntityKind.Contact && r.Next(4) == 0)
            {
                _people.MoveSalesforceContact(r);
                return;
            }

            _people.EditSalesforce(r, sfRow);
        }
        else if (!useSalesforce && _world.App.Find(AppId.Parse(app[r.Next(app.Count)])) is { } appRow)
        {
            _people.EditApp(r, appRow);
        }
        else
        {
            PersonAction(r);
        }
    }

    // ---- Actors ----

    private Actor Start(ActorKind kind, string name, Func<Actor, Task> body, object? payload = null, Func<int, (string Name, object? Payload)>? members = null)
    {
        var actor = _world.Scheduler.Start(kind, name, body, payload, members);
        if (actor.IsDone)
        {
            Finish(actor);
        }

        return actor;
    }

    private void Step(Actor actor)
    {
        var root = actor.Invocation ?? actor;
        if (actor.Invocation is { Dead: false } invocation && _world.Faults.LockLost(actor) is { Lost: true } lost)
        {
            var held = (Held)invocation.Payload!;
            foreach (var (message, token) in lost.All ? held.Locks : [held.Locks[Math.Min(held.Locks.Count - 1, Math.Max(0, invocation.Members.IndexOf(actor)))]])
            {
                _world.Queue.LoseLock(message, token);
            }
        }

        _world.Scheduler.Resume(actor);
        if (root.IsDone && _invocations.Remove(root) | root.Kind != ActorKind.Invocation)
        {
            Finish(root);
        }
    }

    /// <summary>Runs an actor alone to its end (sequential phases); an invocation's members interleave as the schedule picks.</summary>
    private void Drive(Actor actor)
    {
        for (var i = 0; !actor.IsDone; i++)
        {
            if (i > 50_000)
            {
                throw new InvalidOperationException($"{actor.Name} never finished.");
            }

            var mine = _world.Scheduler.ParkedActors.Where(a => a == actor || a.Invocation == actor).ToList();
            if (mine.Count == 0)
            {
                throw new InvalidOperationException($"{actor.Name} is neither done nor parked anywhere.");
            }

            Step(mine.Count == 1 ? mine[0] : mine[_schedule.Next(mine.Count)]);
        }
    }

    /// <summary>The messages of an invocation with the lock tokens of this delivery, and what applying them answered.</summary>
    private sealed record Held(IReadOnlyList<(SimQueue.Message Message, int Token)> Locks)
    {
        public IReadOnlyList<DeliveredBatch>? Delivered { get; set; }
    }

    private void Finish(Actor actor)
    {
        var error = actor.Error;
        if (actor.Kind == ActorKind.Invocation)
        {
            // What functions/ApplyBatch answers and the host does with it (autoComplete, cardinality many): the process
            // died (a crash, the function timeout) — every lock lapses; a message failed unexpectedly — the handler
            // answers with an error and the host abandons every message of the invocation, applied ones included; else
            // the host completes every one (a deferred batch is scheduled on the queue by the engine itself).
            var held = (Held)actor.Payload!;
            var failed = error is not null || held.Delivered is null || held.Delivered.Any(d => d.Failure is not null);
            foreach (var (message, token) in held.Locks)
            {
                if (actor.Dead)
                {
                    _world.Queue.Crashed(message, token); // locked until the lock lapses
                }
                else if (failed)
                {
                    _world.Queue.Abandon(message, token);
                }
                else
                {
                    _world.Queue.Complete(message, token);
                }
            }

            foreach (var (member, failure) in actor.Members.Zip(held.Delivered ?? []).Select(p => (p.First, p.Second.Failure)).Where(p => p.Failure is not null))
            {
                Classify(member, failure!);
            }

            if (actor.Dead || failed)
            {
                _world.Scheduler.Note($"{actor.Name} {(actor.Dead ? "died" : "failed")}: its {held.Locks.Count} messages are {(actor.Dead ? "locked until their locks lapse" : "abandoned")}");
            }
        }

        if (error is not null)
        {
            Classify(actor, error);
        }
    }

    private void Classify(Actor actor, Exception error)
    {

        if (error is NondeterminismException)
        {
            _findings.Add(new Finding(FindingKind.Nondeterministic, error.Message));
        }
        else if (error is not null and not SimCrashException and not SimStorageException)
        {
            var frame = error.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("SfSync.", StringComparison.Ordinal) && !l.Contains(".Tests.", StringComparison.Ordinal))?.Trim();
            _world.Violation(FindingKind.EngineCrash, null, $"{actor.Name}: {error.GetType().Name}: {error.Message} {frame}");
        }
        else if (error is not null)
        {
            _world.Scheduler.Note($"{actor.Name} aborted{(actor.TimedOut ? $" by the host after functionTimeout ({SimScheduler.FunctionTimeout.TotalMinutes:0} min)" : "")}: {error.Message}");
        }
    }

    private Actor StartPlanner(bool full)
    {
        var runId = $"{(full ? "resync" : "run")}-{++_runs}";
        return Start(full ? ActorKind.Resync : ActorKind.Planner, runId, async actor =>
        {
            var started = _world.Scheduler.Operation;
            var outcome = await _world.Planner.PlanAsync(new PlanRequest(runId, full ? RunTrigger.Resync : RunTrigger.Timer, EntityKindNames.All, full));
            _lastPlan = outcome;
            if (full)
            {
                foreach (var key in outcome.Messages.Where(m => m.Full).SelectMany(m => m.Keys))
                {
                    if (key.SalesforceId is { } id && _world.Salesforce.Find(id) is { } row)
                    {
                        row.Logical.ResyncedAt.Add(started);
                    }
                }
            }

            if (_world.Scheduler.Tracing)
            {
                _world.Scheduler.Annotate(actor, $"planned {outcome.NewKeys} keys in {outcome.NewBatches} batches, re-sent {outcome.ResentBatches}{(outcome.Paused ? ", paused" : "")}"
                + (outcome.Messages.Count == 0 ? "" : ": " + string.Join(" | ", outcome.Messages.Select(m => $"{_world.Alias(m.BatchId)} {m.Entity} [{string.Join(" ", m.Keys.Select(Short))}]"))));
            }
        });
    }

    /// <summary>A key in a few characters: the Salesforce id's counter part or the app id, with the logical record.</summary>
    private string Short(RecordKey key)
    {
        var logical = (key.SalesforceId is { } s ? _world.Salesforce.Find(s)?.Logical : null) ?? (key.AppId is { } a ? _world.App.Find(a)?.Logical : null);
        var id = key.SalesforceId is { } sf ? sf.Value[3..15].TrimStart('0') : "";
        return $"{(id.Length > 0 ? "sf" + id : "")}{(key.AppId is { } app ? (id.Length > 0 ? "/" : "") + app.Value : "")}={logical?.Label ?? "?"}";
    }

    /// <summary>
    /// One trigger invocation with its messages, as functions/ApplyBatch runs it: every body parsed, all handed to
    /// <c>BatchApplier.ApplyTogetherAsync</c> at once — each message a member of one <c>CallGathering</c>, so their
    /// port calls interleave with each other's and everyone else's, and their Salesforce calls travel in shared
    /// Composite requests (<see cref="SimScheduler"/>) — then each message settled by <see cref="Finish"/>.
    /// </summary>
    private Actor Deliver(List<SimQueue.Message> messages)
    {
        var held = new Held(messages.Select(m => (m, m.LockToken)).ToList());
        string Name(SimQueue.Message m) => $"deliver{m.Id}.{m.DeliveryCount}({_world.Alias(m.BatchId)})";
        var name = messages.Count == 1 ? "inv-" + Name(messages[0]) : $"inv[{string.Join(",", messages.Select(m => m.Id))}]";
        var actor = Start(ActorKind.Invocation, name, async actor =>
        {
            var delivered = new List<DeliveredBatch>();
            foreach (var message in messages)
            {
                delivered.Add(SyncBatchMessage.TryParse(message.Body, out var batch, out var error)
                    ? new DeliveredBatch(message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), message.DeliveryCount, batch, null, null, null)
                    : new DeliveredBatch(message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), message.DeliveryCount, null, error, null, null));
                if (batch is null)
                {
                    _world.Violation(FindingKind.EngineCrash, null, $"a planned message does not parse: {error}");
                }
            }

            // A full re-sync decides when its batch is applied, not when it was planned: one applied after a deletion
            // re-creates what the deletion policy kept, even if its run started before the deletion; one that started
            // before and finished after may have read either. A delivery answered as already applied re-syncs nothing;
            // one that was deferred or aborted may have written part of the batch.
            var started = _world.Scheduler.Operation;
            var logicals = delivered.Select(d => d.Batch is { Full: true } batch
                ? batch.Keys.Select(key => (key.SalesforceId is { } s ? _world.Salesforce.Find(s)?.Logical : null) ?? (key.AppId is { } a ? _world.App.Find(a)?.Logical : null)).OfType<Logical>().ToList()
                : []).ToList();
            var results = await _world.Applier.ApplyTogetherAsync(delivered);
            held.Delivered = results;
            var applied = _world.Scheduler.Operation;
            for (var i = 0; i < results.Count; i++)
            {
                var result = results[i].Result;
                foreach (var logical in logicals[i])
                {
                    if (result?.Status == BatchApplyStatus.Applied)
                    {
                        logical.ResyncedAt.Add(started);
                        logical.ResyncSpans.Add((started, applied));
                    }
                    else if (result is null || result.Status == BatchApplyStatus.Deferred)
                    {
                        logical.MaybeResyncedAt.Add(started);
                    }
                }

                if (result is not null && results[i].Batch is { } batch)
                {
                    CheckOutcomes(batch, result, i < actor.Members.Count ? actor.Members[i] : null);
                }
            }
        }, held, i => (Name(messages[Math.Min(i, messages.Count - 1)]), messages[Math.Min(i, messages.Count - 1)]));
        if (!actor.IsDone)
        {
            _invocations.Add(actor);
        }

        return actor;
    }

    private void StartSyncRecord(Random r)
    {
        var candidates = _world.Logicals.Where(l => !l.Orphan).ToList();
        var logical = candidates[r.Next(candidates.Count)];
        var sf = _world.Salesforce.Rows.LastOrDefault(x => x.Logical == logical && !x.IsDeleted);
        var app = _world.App.Rows.LastOrDefault(x => x.Logical == logical && !x.Deleted);
        RecordKey? key = sf is not null && (app is null || r.Next(2) == 0) ? RecordKey.ForSalesforce(sf.Id) : app is not null ? RecordKey.ForApp(app.Id) : null;
        if (key is not { } k)
        {
            return;
        }

        StartSyncRecord(logical.Entity, k);
    }

    private Actor StartSyncRecord(EntityKind entity, RecordKey key)
    {
        var runId = $"record-{++_runs}";
        return Start(ActorKind.SyncRecord, runId, async _ =>
        {
            var result = await _world.Applier.SyncRecordAsync(runId, entity, key);
            CheckOutcomes(new SyncBatch("record", "record", runId, entity, [key], false, 1), result, SimScheduler.Current);
        });
    }

    /// <summary>Every key of an applied batch has an outcome (matched by either id).</summary>
    private void CheckOutcomes(SyncBatch batch, BatchApplyResult result, Actor? applier)
    {
        if (result.Status is BatchApplyStatus.Applied or BatchApplyStatus.AlreadyApplied)
        {
            _world.AppliedBatches.Add((batch.PlanId, batch.BatchId));
        }

        if (result.Status != BatchApplyStatus.Applied)
        {
            return;
        }

        if (applier?.FirstRead is { } read)
        {
            foreach (var outcome in result.Outcomes)
            {
                foreach (var reconciled in new[] { outcome.SalesforceId is { } s ? _world.Salesforce.Find(s)?.Logical : null, outcome.AppId is { } a ? _world.App.Find(a)?.Logical : null })
                {
                    if (reconciled is not null)
                    {
                        reconciled.LastReconciled = Math.Max(reconciled.LastReconciled, read);
                    }
                }
            }
        }

        // An outcome answers a key when it names one of the key's ids, or a record of the same logical record (its ids
        // "as they ended up": an app id dropped because the record was deleted meanwhile, a match found by e-mail).
        Logical? LogicalOf(SalesforceId? s, AppId? a) => (s is { } sf ? _world.Salesforce.Find(sf)?.Logical : null) ?? (a is { } app ? _world.App.Find(app)?.Logical : null);
        var answered = result.Outcomes.Select(o => LogicalOf(o.SalesforceId, o.AppId)).OfType<Logical>().ToHashSet();
        foreach (var key in batch.Keys.Distinct())
        {
            var logical = LogicalOf(key.SalesforceId, key.AppId);
            if (!result.Outcomes.Any(o => (key.SalesforceId is { } s && o.SalesforceId == s) || (key.AppId is { } a && o.AppId == a))
                && (logical is null || !answered.Contains(logical)))
            {
                _world.Violation(FindingKind.NoOutcome, logical, $"key {key} of batch {_world.Alias(batch.BatchId)} has no outcome ({result.Outcomes.Count} outcomes for {batch.Keys.Count} keys: {string.Join("; ", result.Outcomes.Select(o => $"{o.SalesforceId?.Value ?? "-"}/{o.AppId?.Value ?? "-"} {o.Salesforce}/{o.App}"))})");
            }
        }
    }

    // ---- Heal and quiesce ----

    private void Heal()
    {
        _world.Faults.Enabled = false;
        _world.Faults.EndOutages();
        _world.Salesforce.UsageSpike = false;
        _spikeUntil = null;
        _world.Salesforce.Rejecting.Clear();
        _world.App.Rejecting.Clear();
        _people.CommitDue(all: true);
        _world.Time.Advance(_world.Planning.StallTimeout + TimeSpan.FromMinutes(1));
        _world.Queue.Tick();
        _world.Scheduler.Note("heal: faults off, outages over, usage normal, slow saves committed, clock past the stall timeout");

        // The operator replays the dead-letter queue (issue 11): every batch there goes out again through the outbox.
        if (_world.Queue.DeadLettered.Count > 0)
        {
            _world.Scheduler.Note("operator replays the dead-letter queue");
            Drive(Start(ActorKind.Replay, "replay", async _ => await _world.Replay.ReplayAsync(null)));
        }

        // Permanent per-record failures are retried on request (issue 10): an operator asks for each one.
        foreach (var logical in _world.Logicals.Where(l => l.PermanentlyRejected).ToList())
        {
            var sf = _world.Salesforce.Rows.LastOrDefault(x => x.Logical == logical && !x.IsDeleted);
            var app = _world.App.Rows.LastOrDefault(x => x.Logical == logical && !x.Deleted);
            RecordKey? key = sf is not null ? RecordKey.ForSalesforce(sf.Id) : app is not null ? RecordKey.ForApp(app.Id) : null;
            if (key is { } k)
            {
                _world.Scheduler.Note($"operator requests a sync of {logical} after its rejection");
                Drive(StartSyncRecord(logical.Entity, k));
            }
        }
    }

    private bool Quiesce()
    {
        for (var round = 1; round <= MaxQuiesceRounds; round++)
        {
            Drain();
            var planner = StartPlanner(full: false);
            Drive(planner);
            var plan = planner.Error is null ? _lastPlan : null;
            Drain();
            if (plan is { Messages.Count: 0, Paused: false } && _world.Queue.Count == 0 && !_world.State.OpenBatches.Any())
            {
                _world.Scheduler.Note($"quiet after {round} rounds");
                return true;
            }

            AdvanceToNextWork();
        }

        var open = _world.State.OpenBatches.ToList();
        var paused = _lastPlan?.Paused == true;
        _findings.Add(new Finding(paused ? FindingKind.StuckPaused : FindingKind.NotQuiescent, paused
            ? $"planning still paused after {MaxQuiesceRounds} rounds with usage back to normal: {_lastPlan!.PausedReason}"
            : $"still planning after {MaxQuiesceRounds} rounds: last run sent {_lastPlan?.Messages.Count} messages ({_lastPlan?.NewKeys} new keys, {_lastPlan?.ResentBatches} re-sent); {open.Count} open batches ({string.Join(", ", open.GroupBy(b => b.Status).Select(g => $"{g.Count()} {g.Key}"))})"));
        return false;
    }

    private void Drain()
    {
        for (var i = 0; ReceiveInvocation() is { } message; i++)
        {
            if (i > 5_000)
            {
                _findings.Add(new Finding(FindingKind.NotQuiescent, "the queue never drains"));
                return;
            }

            Drive(Deliver(message));
        }
    }

    /// <summary>Jumps the clock to when there is work again: the next scheduled message or deferred batch due, a pending one
    /// stalled, else a timer tick.</summary>
    private void AdvanceToNextWork()
    {
        var now = _world.Time.GetUtcNow();
        var open = _world.State.OpenBatches.ToList();
        var due = open.Where(b => b.Status == SfSync.State.BatchStatus.Deferred && b.NextAttemptAt is not null).Select(b => b.NextAttemptAt!.Value)
            .Concat(open.Where(b => b.Status == SfSync.State.BatchStatus.Pending).Select(b => b.EnqueuedAt + _world.Planning.StallTimeout))
            .Concat(_world.Queue.NextVisibleAt is { } visible ? [visible] : [])
            .Where(t => t > now)
            .DefaultIfEmpty(now + TimeSpan.FromMinutes(5))
            .Min();
        _world.Time.Advance(due - now + TimeSpan.FromSeconds(1));
        _world.Queue.Tick();
    }

    /// <summary>After convergence: a run plans nothing, costs one Salesforce call, writes only its run-history row.</summary>
    private void IdleRun()
    {
        _world.Time.Advance(TimeSpan.FromMinutes(5));
        var calls = _world.Salesforce.Calls;
        var writes = _world.State.Writes.Copy();
        var planner = StartPlanner(full: false);
        Drive(planner);
        var plan = _lastPlan!;
        if (plan.Messages.Count > 0)
        {
            _findings.Add(new Finding(FindingKind.IdleRunPlanned, $"the idle run sent {plan.Messages.Count} messages ({plan.NewKeys} new keys: {string.Join(", ", plan.Messages.SelectMany(m => m.Keys).Take(4))})"));
        }

        if (_world.Salesforce.Calls - calls != 1)
        {
            _findings.Add(new Finding(FindingKind.IdleRunCost, $"the idle run made {_world.Salesforce.Calls - calls} Salesforce calls"));
        }

        if (_world.State.Writes.DiffExceptRuns(writes) is { Length: > 0 } diff)
        {
            _findings.Add(new Finding(FindingKind.IdleRunWrites, $"the idle run wrote {diff}"));
        }
    }
}
