using System.Text.Json;
using System.Text.Json.Nodes;

namespace SfSync.FunctionsHost;

internal sealed record QueueMessage(string MessageId, string Body, int DeliveryCount, DateTimeOffset EnqueuedAt, string? DeadLetterReason = null);

/// <summary>
/// sync-batches with Service Bus's delivery semantics for a single-message trigger with autoComplete: at-least-once,
/// a failed invocation abandons the message for immediate redelivery with DeliveryCount + 1, and after MaxDeliveryCount
/// deliveries it goes to the dead-letter queue with its reason. Messages are kept in a file, so they survive restarts.
/// </summary>
internal sealed class LocalQueue : IDisposable
{
    public const int MaxDeliveryCount = 10;

    private readonly Lock _gate = new();
    private readonly string _file;
    private readonly List<QueueMessage> _active = [];
    private readonly List<QueueMessage> _deadLetter = [];
    private readonly List<QueueMessage> _inFlight = [];
    private readonly SemaphoreSlim _available = new(0);

    public LocalQueue(string file)
    {
        _file = file;
        if (File.Exists(file) && JsonSerializer.Deserialize<Snapshot>(File.ReadAllText(file)) is { } snapshot)
        {
            _active.AddRange(snapshot.Active);
            _deadLetter.AddRange(snapshot.DeadLetter);
            if (_active.Count > 0)
            {
                _available.Release(_active.Count);
            }
        }
    }

    public int ActiveCount { get { lock (_gate) { return _active.Count; } } }

    public IReadOnlyList<QueueMessage> DeadLetters { get { lock (_gate) { return _deadLetter.ToList(); } } }

    public int InFlight { get { lock (_gate) { return _inFlight.Count; } } }

    public Task SendAsync(string body)
    {
        lock (_gate)
        {
            _active.Add(new QueueMessage(Guid.NewGuid().ToString("N"), body, 0, DateTimeOffset.UtcNow));
            Save();
        }

        _available.Release();
        return Task.CompletedTask;
    }

    /// <summary>Receives the next message (locked to this receiver) with its delivery count incremented.</summary>
    public async Task<QueueMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken);
        lock (_gate)
        {
            var message = _active[0] with { DeliveryCount = _active[0].DeliveryCount + 1 };
            _active.RemoveAt(0);
            _inFlight.Add(message);
            Save();
            return message;
        }
    }

    public void Complete(QueueMessage message)
    {
        lock (_gate)
        {
            _inFlight.RemoveAll(m => m.MessageId == message.MessageId);
            Save();
        }
    }

    public void Abandon(QueueMessage message, string reason)
    {
        lock (_gate)
        {
            _inFlight.RemoveAll(m => m.MessageId == message.MessageId);
            if (message.DeliveryCount >= MaxDeliveryCount)
            {
                _deadLetter.Add(message with { DeadLetterReason = $"MaxDeliveryCountExceeded: {reason}" });
                Save();
                return;
            }

            _active.Insert(0, message);
            Save();
        }

        _available.Release();
    }

    private void Save()
    {
        // Messages being processed are saved as active: if the host dies mid-invocation, they are delivered again.
        File.WriteAllText(_file, JsonSerializer.Serialize(new Snapshot([.. _inFlight, .. _active], _deadLetter)));
    }

    public void Dispose() => _available.Dispose();

    private sealed record Snapshot(List<QueueMessage> Active, List<QueueMessage> DeadLetter);

    public JsonObject Describe() => new()
    {
        ["active"] = ActiveCount,
        ["inFlight"] = InFlight,
        ["deadLetter"] = new JsonArray(DeadLetters.Select(d => (JsonNode?)new JsonObject { ["messageId"] = d.MessageId, ["deliveryCount"] = d.DeliveryCount, ["reason"] = d.DeadLetterReason, ["body"] = d.Body }).ToArray()),
    };
}
