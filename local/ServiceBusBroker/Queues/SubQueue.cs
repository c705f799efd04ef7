namespace SfSync.ServiceBusBroker.Queues;

/// <summary>A queue's two message stores: the queue itself and its <c>$DeadLetterQueue</c>.</summary>
internal enum SubQueue
{
    /// <summary>The queue's own messages, scheduled ones included.</summary>
    Active,

    /// <summary>
    /// Messages dead-lettered by a receiver, after max deliveries or on expiry. They never expire and are never moved on:
    /// an operator receives (or peeks) them and decides.
    /// </summary>
    DeadLetter,
}
