namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// A message held by a queue. Mutable, and only ever touched under its queue's lock; what leaves the lock is a
/// <see cref="DeliverySnapshot"/>.
/// </summary>
internal sealed class QueuedMessage
{
    public required byte[] Encoded { get; init; }

    public required long SequenceNumber { get; init; }

    public string? MessageId { get; init; }

    /// <summary>When it was sent; for a scheduled message, when it became active.</summary>
    public DateTimeOffset EnqueuedTime { get; set; }

    /// <summary>The message's TTL capped by the queue's default, counted from <see cref="EnqueuedTime"/>.</summary>
    public TimeSpan TimeToLive { get; init; }

    public DateTimeOffset? ScheduledEnqueueTime { get; init; }

    public MessageState State { get; set; }

    /// <summary>Failed deliveries so far (abandons and expired locks); a released delivery does not count.</summary>
    public int DeliveryCount { get; set; }

    public MessageLock? Lock { get; set; }

    public DeadLetter? DeadLetter { get; set; }

    /// <summary>Whether the queue's expiry index holds an entry for this message.</summary>
    public bool ExpiryWatched { get; set; }

    /// <summary>Application properties a receiver changed when it abandoned or dead-lettered the message.</summary>
    public Dictionary<string, object>? ModifiedProperties { get; set; }

    public DateTimeOffset ExpiresAt => TimeToLive >= DateTimeOffset.MaxValue - EnqueuedTime ? DateTimeOffset.MaxValue : EnqueuedTime + TimeToLive;

    public long Size => Encoded.LongLength;

    public DeliverySnapshot Snapshot() => new(
        Encoded,
        SequenceNumber,
        EnqueuedTime,
        TimeToLive,
        State,
        DeliveryCount,
        Lock,
        DeadLetter,
        ModifiedProperties is null ? null : new Dictionary<string, object>(ModifiedProperties, StringComparer.Ordinal));
}
