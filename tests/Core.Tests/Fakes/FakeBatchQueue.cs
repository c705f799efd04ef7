using SfSync.Planning;
using SfSync.Queue;
using SfSync.Reconciling;

namespace SfSync.Tests.Fakes;

/// <summary>
/// sync-batches in memory, with what the engine relies on: sent messages are visible at once, scheduled ones from their
/// time (on the harness clock), and a send can be refused. Delivery order is send order. Its dead-letter queue holds
/// what a test puts there.
/// </summary>
internal sealed class FakeBatchQueue(TimeProvider time) : IBatchQueue, IDeadLetterQueue
{
    private readonly List<(SyncBatch Batch, DateTimeOffset VisibleAt)> _messages = [];
    private readonly List<DeadLetteredBatch> _deadLetters = [];
    private long _sequence;

    /// <summary>When set, the next sends and schedules throw this reason.</summary>
    public string? Refuse { get; set; }

    /// <summary>Every message the engine sent or scheduled, with its MessageId, in order.</summary>
    public List<(string MessageId, SyncBatch Batch, DateTimeOffset? ScheduledFor)> Log { get; } = [];

    public int Waiting => _messages.Count;

    public IEnumerable<DateTimeOffset> ScheduledTimes => _messages.Select(m => m.VisibleAt);

    public Task SendAsync(IReadOnlyList<SyncBatch> batches, CancellationToken cancellationToken = default)
    {
        ThrowIfRefused();
        foreach (var batch in batches)
        {
            Log.Add((BatchMessageId.For(batch), batch, null));
            _messages.Add((batch, time.GetUtcNow()));
        }

        return Task.CompletedTask;
    }

    public Task ScheduleAsync(SyncBatch batch, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ThrowIfRefused();
        Log.Add((BatchMessageId.For(batch), batch, at));
        _messages.Add((batch, at));
        return Task.CompletedTask;
    }

    /// <summary>Takes the next message visible now, if any.</summary>
    public SyncBatch? Receive()
    {
        var now = time.GetUtcNow();
        var index = _messages.FindIndex(m => m.VisibleAt <= now);
        if (index < 0)
        {
            return null;
        }

        var batch = _messages[index].Batch;
        _messages.RemoveAt(index);
        return batch;
    }

    /// <summary>Drops every waiting message, as a queue that lost them (the outbox still holds the batches).</summary>
    public void LoseAll() => _messages.Clear();

    /// <summary>Puts a message in the dead-letter queue, as Service Bus does after the last failed delivery.</summary>
    public void DeadLetter(string body, string reason, SyncBatch? claims = null) => _deadLetters.Add(new DeadLetteredBatch(
        ++_sequence, claims is null ? Guid.NewGuid().ToString("N") : BatchMessageId.For(claims), claims?.BatchId, claims?.PlanId, claims?.RunId, claims?.Entity, claims?.Attempt,
        10, reason, "the handler failed 10 times", time.GetUtcNow(), body));

    public void DeadLetter(SyncBatch batch, string reason) => DeadLetter(SyncBatchMessage.Serialize(batch), reason, batch);

    public IReadOnlyList<DeadLetteredBatch> DeadLetters => _deadLetters;

    public Task<DeadLetterListing> PeekAsync(int latest, int scanLimit, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DeadLetterListing(Math.Min(_deadLetters.Count, scanLimit), _deadLetters.Count >= scanLimit, _deadLetters.TakeLast(latest).Reverse().ToList()));

    public Task<IReadOnlyList<LockedDeadLetter>> LockAsync(int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LockedDeadLetter>>(_deadLetters.Take(max).Select(m => new LockedDeadLetter(m, m)).ToList());

    public Task CompleteAsync(LockedDeadLetter message, CancellationToken cancellationToken = default)
    {
        _deadLetters.Remove((DeadLetteredBatch)message.Handle);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(LockedDeadLetter message, CancellationToken cancellationToken = default) => Task.CompletedTask;

    private void ThrowIfRefused()
    {
        if (Refuse is { } reason)
        {
            throw new QueueUnavailableException(reason);
        }
    }
}
