using SfSync.Planning;
using SfSync.Queue;
using SfSync.Reconciling;

namespace SfSync.Tests.Convergence;

/// <summary>
/// The sync-batches queue with Service Bus semantics as the engine and the custom handler see them (host.json, infra/):
/// the engine sends through the SDK — each send atomic (refused whole, or taken and its acknowledgement possibly lost),
/// scheduled messages visible from their time, duplicate detection on MessageId within the queue's window — and the
/// host receives with peek-lock: a 5-minute lock renewed by the host for up to 10 minutes, a crashed handler's message
/// back when its lock lapses, a failed invocation's at once, dead-letter once a message has been delivered 10 times.
/// A taken message may still be lost (expired) or delivered twice (at-least-once), and any visible message can be next.
/// </summary>
internal sealed class SimQueue(SimWorld world) : IBatchQueue, IDeadLetterQueue
{
    public const int MaxDeliveryCount = 10; // infra/core/messaging/service-bus.bicep
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(5);

    /// <summary>infra/core/messaging/service-bus.bicep duplicateDetectionHistoryTimeWindow.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(10);

    /// <summary>host.json maxAutoLockRenewalDuration: a live handler keeps renewing its lock this long, then it lapses.</summary>
    public static readonly TimeSpan MaxAutoLockRenewal = TimeSpan.FromMinutes(10);

    private readonly List<Message> _active = [];
    private readonly Dictionary<string, DateTimeOffset> _seenIds = new(StringComparer.Ordinal);
    private int _nextId;

    public sealed class Message(int id, string body, string planId, string batchId, DateTimeOffset visibleAt)
    {
        public int Id { get; } = id;

        public string Body { get; } = body;

        public string PlanId { get; } = planId;

        public string BatchId { get; } = batchId;

        public DateTimeOffset VisibleAt { get; } = visibleAt;

        public int DeliveryCount { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }

        /// <summary>The lock token of the current delivery: a settlement with an older token is refused (MessageLockLost).</summary>
        public int LockToken { get; set; }
    }

    /// <summary>Every message ever dead-lettered (the oracle's record); <see cref="_deadLetterQueue"/> is what is still there.</summary>
    public List<Message> DeadLettered { get; } = [];

    private readonly List<Message> _deadLetterQueue = [];

    public int Sent { get; private set; }

    public int Lost { get; private set; }

    public int Duplicated { get; private set; }

    public int DroppedAsDuplicates { get; private set; }

    public int Count => _active.Count;

    public bool AnyVisible => _active.Any(Visible);

    /// <summary>When the next message that is not visible yet becomes visible (a scheduled one, or a lock lapsing).</summary>
    public DateTimeOffset? NextVisibleAt => _active.Where(m => !Visible(m)).Select(m => m.LockedUntil ?? m.VisibleAt).DefaultIfEmpty().Min() is { } t && t != default ? t : null;

    public Task SendAsync(IReadOnlyList<SyncBatch> batches, CancellationToken cancellationToken = default) =>
        TakeAsync(PortCall.QueueSend, batches, world.Time.GetUtcNow());

    public Task ScheduleAsync(SyncBatch batch, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        TakeAsync(PortCall.QueueSchedule, [batch], at);

    private async Task TakeAsync(PortCall call, IReadOnlyList<SyncBatch> batches, DateTimeOffset visibleAt)
    {
        var actor = SimScheduler.Current!;
        var fault = await world.Scheduler.EnterAsync(call);
        switch (fault)
        {
            case Fault.Crash:
                throw new SimCrashException(call.ToString());
            case Fault.Unavailable:
                world.Scheduler.Annotate(actor, "the queue refused the send");
                throw new QueueUnavailableException("simulated: the queue refused the send");
        }

        for (var i = 0; i < batches.Count; i++)
        {
            var (lost, duplicated) = world.Faults.Send(actor, i);
            if (!Enqueue(batches[i], visibleAt))
            {
                continue;
            }

            if (lost)
            {
                Lost++;
                _active.RemoveAt(_active.Count - 1);
                world.Scheduler.Annotate(actor, $"message {Alias(batches[i])} lost by the queue");
            }
            else if (duplicated)
            {
                Duplicated++;
                world.Scheduler.Annotate(actor, $"message {Alias(batches[i])} will be delivered twice");
                Sent++;
                _active.Add(new Message(++_nextId, SyncBatchMessage.Serialize(batches[i]), batches[i].PlanId, batches[i].BatchId, visibleAt));
            }
        }

        if (world.Scheduler.Tracing)
        {
            world.Scheduler.Annotate(actor, $"{(call == PortCall.QueueSend ? "sent" : $"scheduled for {visibleAt:HH:mm:ss}")}: {string.Join(" ", batches.Select(b => $"{Alias(b)}.{b.Attempt}"))}");
        }

        if (fault == Fault.LostAnswer)
        {
            throw new QueueUnavailableException("simulated: the send was taken but its acknowledgement was lost");
        }
    }

    /// <summary>Duplicate detection: a MessageId taken within the window is accepted and dropped.</summary>
    private bool Enqueue(SyncBatch batch, DateTimeOffset visibleAt)
    {
        var now = world.Time.GetUtcNow();
        var id = BatchMessageId.For(batch);
        if (_seenIds.TryGetValue(id, out var first) && now - first < DuplicateWindow)
        {
            DroppedAsDuplicates++;
            return false;
        }

        _seenIds[id] = now;
        Sent++;
        _active.Add(new Message(++_nextId, SyncBatchMessage.Serialize(batch), batch.PlanId, batch.BatchId, visibleAt));
        return true;
    }

    private bool Visible(Message message) => message.LockedUntil is null && message.VisibleAt <= world.Time.GetUtcNow();

    public string Alias(SyncBatch batch) => world.Alias(batch.BatchId);

    /// <summary>Locks a visible message (any of them: Service Bus does not promise order across sessions or redeliveries).</summary>
    public Message? Receive(Random random)
    {
        var visible = _active.Where(Visible).ToList();
        if (visible.Count == 0)
        {
            return null;
        }

        var message = visible[random.Next(visible.Count)];
        message.DeliveryCount++;
        message.LockToken++;
        message.LockedUntil = world.Time.GetUtcNow() + MaxAutoLockRenewal + LockDuration; // renewed while the handler lives
        return message;
    }

    /// <summary>Whether <paramref name="token"/> still holds the message's lock: else the host's settlement fails with
    /// MessageLockLost and the message stays as it is (visible, or locked by another delivery).</summary>
    public bool Holds(Message message, int token) => message.LockToken == token && message.LockedUntil is not null && _active.Contains(message);

    /// <summary>The handler answered 200: the host completes the message.</summary>
    public void Complete(Message message, int token)
    {
        if (Holds(message, token))
        {
            _active.Remove(message);
        }
    }

    /// <summary>The invocation failed: the host abandons the message, which is delivered again at once.</summary>
    public void Abandon(Message message, int token)
    {
        if (!Holds(message, token))
        {
            return;
        }

        message.LockedUntil = null;
        DeadLetterIfExhausted(message);
    }

    /// <summary>The lock renewal failed while the handler still runs: the message is visible again at once (another
    /// invocation may take it), and this delivery's settlement will be refused.</summary>
    public void LoseLock(Message message, int token)
    {
        if (!Holds(message, token))
        {
            return;
        }

        message.LockedUntil = null;
        world.Scheduler.Note($"lock of message {world.Alias(message.BatchId)} (delivery {message.DeliveryCount}) lost while its handler runs");
        DeadLetterIfExhausted(message);
    }

    /// <summary>The handler died: renewals stop and the lock lapses (at most one lock period later, see <see cref="Tick"/>).</summary>
    public void Crashed(Message message, int token)
    {
        if (!Holds(message, token))
        {
            return;
        }

        var lapse = world.Time.GetUtcNow() + LockDuration;
        if (message.LockedUntil is { } until && until > lapse)
        {
            message.LockedUntil = lapse;
        }
    }

    public void Tick()
    {
        var now = world.Time.GetUtcNow();
        foreach (var message in _active.Where(m => m.LockedUntil is { } until && until <= now).ToList())
        {
            message.LockedUntil = null;
            DeadLetterIfExhausted(message);
        }
    }

    private void DeadLetterIfExhausted(Message message)
    {
        if (message.DeliveryCount >= MaxDeliveryCount)
        {
            _active.Remove(message);
            DeadLettered.Add(message);
            _deadLetterQueue.Add(message);
            world.Scheduler.Note($"message {world.Alias(message.BatchId)} dead-lettered after {message.DeliveryCount} deliveries");
        }
    }

    // ---- The dead-letter queue, for the operator's replay in the heal phase (not faulted: the operator retries) ----

    public Task<DeadLetterListing> PeekAsync(int latest, int scanLimit, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DeadLetterListing(_deadLetterQueue.Count, false, _deadLetterQueue.TakeLast(latest).Reverse().Select(ToDeadLetter).ToList()));

    public Task<IReadOnlyList<LockedDeadLetter>> LockAsync(int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LockedDeadLetter>>(_deadLetterQueue.Take(max).Select(m => new LockedDeadLetter(ToDeadLetter(m), m)).ToList());

    public Task CompleteAsync(LockedDeadLetter message, CancellationToken cancellationToken = default)
    {
        _deadLetterQueue.Remove((Message)message.Handle);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(LockedDeadLetter message, CancellationToken cancellationToken = default) => Task.CompletedTask;

    private static DeadLetteredBatch ToDeadLetter(Message m) => SyncBatchMessage.TryParse(m.Body, out var batch, out _)
        ? new DeadLetteredBatch(m.Id, BatchMessageId.For(batch!), batch!.BatchId, batch.PlanId, batch.RunId, batch.Entity, batch.Attempt, m.DeliveryCount, "MaxDeliveryCountExceeded", null, m.VisibleAt, m.Body)
        : new DeadLetteredBatch(m.Id, m.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, null, null, null, m.DeliveryCount, "MaxDeliveryCountExceeded", null, m.VisibleAt, m.Body);
}
