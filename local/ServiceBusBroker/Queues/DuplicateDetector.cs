namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// Service Bus duplicate detection: a MessageId sent again within the history window after its first send is accepted
/// and dropped. The window runs from the first send, so a deliberate re-send after the window gets through.
/// </summary>
internal sealed class DuplicateDetector(TimeSpan window)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string MessageId, DateTimeOffset SeenAt)> _order = new();

    public bool IsDuplicate(string messageId, DateTimeOffset now)
    {
        Forget(now);
        return _seen.ContainsKey(messageId);
    }

    public void Record(string messageId, DateTimeOffset now)
    {
        if (_seen.TryAdd(messageId, now))
        {
            _order.Enqueue((messageId, now));
        }
    }

    private void Forget(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && now - oldest.SeenAt >= window)
        {
            _order.Dequeue();
            _seen.Remove(oldest.MessageId);
        }
    }
}
