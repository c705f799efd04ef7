namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>What a link address names.</summary>
internal enum EntityNode
{
    /// <summary>A queue or its dead-letter queue: senders and receivers of messages.</summary>
    Messages,

    /// <summary><c>&lt;entity&gt;/$management</c>: request-response operations (schedule, peek, renew-lock, ...).</summary>
    Management,

    /// <summary><c>$cbs</c>: claims-based security, where the SDK puts its SAS token before every link.</summary>
    Cbs,
}
