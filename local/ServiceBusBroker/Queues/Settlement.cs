namespace SfSync.ServiceBusBroker.Queues;

/// <summary>What a receiver asks for a locked message, by lock token, over its link or through <c>$management</c>.</summary>
internal enum Settlement
{
    /// <summary>Done with it: the message is removed.</summary>
    Complete,

    /// <summary>Give it back now; counts as a failed delivery.</summary>
    Abandon,

    /// <summary>Move it to the dead-letter queue with the receiver's reason and description.</summary>
    DeadLetter,

    /// <summary>
    /// Unlock without counting a delivery: what the client library answers for a message that arrived when no receive
    /// call was waiting for it.
    /// </summary>
    Release,
}
