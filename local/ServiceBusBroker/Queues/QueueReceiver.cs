namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// Something that takes deliveries from a queue: an attached AMQP receiver link. The queue assigns messages under its
/// lock as far as <see cref="Credit"/> allows, then hands them over outside the lock.
/// </summary>
internal abstract class QueueReceiver(SubQueue subQueue, bool receiveAndDelete)
{
    private int _reserved;

    public SubQueue SubQueue { get; } = subQueue;

    /// <summary>Receive-and-delete: a delivered message is gone. Otherwise peek-lock.</summary>
    public bool ReceiveAndDelete { get; } = receiveAndDelete;

    /// <summary>How many more messages the receiver can take now, not counting those assigned and not yet handed over.</summary>
    public int Credit => Math.Max(0, AvailableCredit - Volatile.Read(ref _reserved));

    /// <summary>The link's own view of its credit (the client sets it absolutely, so no counter of ours could keep up).</summary>
    protected abstract int AvailableCredit { get; }

    /// <summary>Sends one delivery; false when the link is gone and the message must go back.</summary>
    public abstract bool Deliver(DeliverySnapshot delivery);

    internal void Reserve() => Interlocked.Increment(ref _reserved);

    internal void Unreserve() => Interlocked.Decrement(ref _reserved);
}
