namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// What a delivery or a peek carries, copied under the queue's lock so the AMQP message can be built and sent outside
/// it (the library may call back into the queue from inside a send).
/// </summary>
internal sealed record DeliverySnapshot(
    byte[] Encoded,
    long SequenceNumber,
    DateTimeOffset EnqueuedTime,
    TimeSpan TimeToLive,
    MessageState State,
    int DeliveryCount,
    MessageLock? Lock,
    DeadLetter? DeadLetter,
    IReadOnlyDictionary<string, object>? ModifiedProperties);
