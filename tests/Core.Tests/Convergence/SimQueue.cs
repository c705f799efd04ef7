using SfSync.Planning;
using SfSync.Reconciling;

namespace SfSync.Tests.Convergence;

/// <summary>
/// The sync-batches queue with Service Bus semantics as the custom handler sees them (host.json, infra/): peek-lock with a
/// 5-minute lock renewed by the host for up to 10 minutes, a crashed handler's message comes back when its lock expires, a failed invocation's message comes back
/// at once, dead-letter once a message has been delivered 10 times. The host's output binding sends a planner run's
/// messages one by one, not atomically: each can be lost or sent twice, and any visible message can be delivered next.
/// This is the one place that knows how messages reach the queue; when issue 11 moves sending into the engine, only
/// <see cref="SendPlanOutputs"/> changes.
/// </summary>
internal sealed class SimQueue(SimWorld world)
{
    public const int MaxDeliveryCount = 10; // infra/core/messaging/service-bus.bicep
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(5);

    /// <summary>host.json maxAutoLockRenewalDuration: a live handler keeps renewing its lock this long, then it lapses.</summary>
    public static readonly TimeSpan MaxAutoLockRenewal = TimeSpan.FromMinutes(10);

    private readonly List<Message> _active = [];
    private int _nextId;

    public sealed class Message(int id, string body, string planId, string batchId)
    {
        public int Id { get; } = id;

        public string Body { get; } = body;

        public string PlanId { get; } = planId;

        public string BatchId { get; } = batchId;

        public int DeliveryCount { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }

    public List<Message> DeadLettered { get; } = [];

    public int Sent { get; private set; }

    public int Lost { get; private set; }

    public int Duplicated { get; private set; }

    public int Count => _active.Count;

    public bool AnyVisible => _active.Any(m => m.LockedUntil is null);

    /// <summary>The host sends what a planner run returned (PlanOutcome.Messages), one by one.</summary>
    public void SendPlanOutputs(Actor planner, IReadOnlyList<SyncBatch> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var (lost, duplicated) = world.Faults.Send(planner, i);
            if (lost)
            {
                Lost++;
                world.Scheduler.Annotate(planner, $"message {Alias(messages[i])} lost");
                continue;
            }

            Enqueue(messages[i]);
            if (duplicated)
            {
                Duplicated++;
                world.Scheduler.Annotate(planner, $"message {Alias(messages[i])} sent twice");
                Enqueue(messages[i]);
            }
        }
    }

    private void Enqueue(SyncBatch batch)
    {
        Sent++;
        _active.Add(new Message(++_nextId, SyncBatchMessage.Serialize(batch), batch.PlanId, batch.BatchId));
    }

    public string Alias(SyncBatch batch) => world.Alias(batch.BatchId);

    /// <summary>Locks a visible message (any of them: Service Bus does not promise order across sessions or redeliveries).</summary>
    public Message? Receive(Random random)
    {
        var visible = _active.Where(m => m.LockedUntil is null).ToList();
        if (visible.Count == 0)
        {
            return null;
        }

        var message = visible[random.Next(visible.Count)];
        message.DeliveryCount++;
        message.LockedUntil = world.Time.GetUtcNow() + MaxAutoLockRenewal + LockDuration; // renewed while the handler lives
        return message;
    }

    /// <summary>The handler answered 200: the host completes the message.</summary>
    public void Complete(Message message) => _active.Remove(message);

    /// <summary>The invocation failed: the host abandons the message, which is delivered again at once.</summary>
    public void Abandon(Message message)
    {
        message.LockedUntil = null;
        DeadLetterIfExhausted(message);
    }

    /// <summary>The handler died: renewals stop and the lock lapses (at most one lock period later, see <see cref="Tick"/>).</summary>
    public void Crashed(Message message)
    {
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
            world.Scheduler.Note($"message {world.Alias(message.BatchId)} dead-lettered after {message.DeliveryCount} deliveries");
        }
    }
}
