namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// Why a message is in the dead-letter queue: the reasons Service Bus itself writes into the
/// <c>DeadLetterReason</c> application property, or whatever a receiver gave when it dead-lettered a message.
/// </summary>
internal readonly record struct DeadLetterReason(string Value)
{
    /// <summary>The message was abandoned, or its lock expired, as often as the queue's max delivery count.</summary>
    public static DeadLetterReason MaxDeliveryCountExceeded { get; } = new("MaxDeliveryCountExceeded");

    /// <summary>The message's time to live passed while it waited, on a queue that dead-letters on expiration.</summary>
    public static DeadLetterReason TtlExpired { get; } = new("TTLExpiredException");

    public override string ToString() => Value;
}
