namespace SfSync.ServiceBusBroker.Queues;

/// <summary>What a queue did with one send (a single message or a whole batch, which is accepted or refused as one).</summary>
internal enum SendOutcome
{
    /// <summary>Stored (duplicates within the detection window are accepted and dropped, as Service Bus does).</summary>
    Accepted,

    /// <summary>Refused whole: it would take the queue past its maximum size.</summary>
    QuotaExceeded,
}
