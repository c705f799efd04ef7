namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// The messages of one sub-queue in sequence-number order, with the deliverable ones (active, not locked) indexed so
/// the next delivery is found in O(log n) however many are locked or scheduled.
/// </summary>
internal sealed class MessageStore
{
    private readonly SortedDictionary<long, QueuedMessage> _messages = [];
    private readonly SortedSet<long> _deliverable = [];

    public int Count => _messages.Count;

    public long Size { get; private set; }

    public void Add(QueuedMessage message)
    {
        _messages.Add(message.SequenceNumber, message);
        Size += message.Size;
        if (message.State == MessageState.Active && message.Lock is null)
        {
            _deliverable.Add(message.SequenceNumber);
        }
    }

    public bool Contains(QueuedMessage message) => _messages.TryGetValue(message.SequenceNumber, out var held) && ReferenceEquals(held, message);

    public QueuedMessage? Find(long sequenceNumber) => _messages.GetValueOrDefault(sequenceNumber);

    public void Remove(QueuedMessage message)
    {
        if (_messages.Remove(message.SequenceNumber))
        {
            Size -= message.Size;
        }

        _deliverable.Remove(message.SequenceNumber);
    }

    public void MarkDeliverable(QueuedMessage message) => _deliverable.Add(message.SequenceNumber);

    public void MarkUndeliverable(QueuedMessage message) => _deliverable.Remove(message.SequenceNumber);

    public QueuedMessage? NextDeliverable() => _deliverable.Count == 0 ? null : _messages[_deliverable.Min];

    /// <summary>Messages from a sequence number on, in order, whatever their state: what peek shows.</summary>
    public IEnumerable<QueuedMessage> From(long sequenceNumber) => _messages.Values.SkipWhile(m => m.SequenceNumber < sequenceNumber);
}
