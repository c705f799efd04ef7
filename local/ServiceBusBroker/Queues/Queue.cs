using Microsoft.Extensions.Logging;

namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// One Service Bus queue and its dead-letter queue, in memory: sequence numbers, peek-lock with lock expiry and
/// renewal, delivery counts, dead-lettering (by receivers, after max deliveries, on expiry), scheduled messages,
/// duplicate detection and a size quota. Every state change happens under one lock; deliveries are handed to
/// receivers outside it. Time comes from the <see cref="TimeProvider"/>, so a fake clock drives lock expiry, TTL,
/// scheduling and the duplicate window.
/// </summary>
internal sealed partial class Queue : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MessageStore _active = new();
    private readonly MessageStore _deadLettered = new();
    private readonly Dictionary<LockToken, QueuedMessage> _locks = [];
    private readonly PriorityQueue<LockToken, DateTimeOffset> _lockExpiries = new();
    private readonly PriorityQueue<long, DateTimeOffset> _scheduled = new();
    private readonly PriorityQueue<long, DateTimeOffset> _expiries = new();
    private readonly DuplicateDetector _duplicates;
    private readonly List<QueueReceiver> _receivers = [];
    private readonly ITimer _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;
    private long _nextSequenceNumber = 1;
    private int _nextReceiver;
    private int _pumpRequests;

    public Queue(QueueOptions options, TimeProvider time, ILogger logger)
    {
        options.Validate();
        Options = options;
        _time = time;
        _logger = logger;
        _duplicates = new DuplicateDetector(options.DuplicateDetectionHistoryTimeWindow);
        _timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public QueueOptions Options { get; }

    public string Name => Options.Name;

    /// <summary>Stores one send — a message or a whole batch — or refuses all of it.</summary>
    public SendOutcome Send(IReadOnlyList<IncomingMessage> messages) => Store(messages, out _);

    /// <summary>Stores messages that wait for their scheduled enqueue time; the sequence numbers cancel them.</summary>
    public SendOutcome Schedule(IReadOnlyList<IncomingMessage> messages, out IReadOnlyList<long> sequenceNumbers) => Store(messages, out sequenceNumbers);

    public void CancelScheduled(IEnumerable<long> sequenceNumbers)
    {
        lock (_gate)
        {
            foreach (var sequenceNumber in sequenceNumbers)
            {
                // Service Bus ignores a number that is unknown or already enqueued; so does this.
                if (_active.Find(sequenceNumber) is { State: MessageState.Scheduled } message)
                {
                    _active.Remove(message);
                }
            }
        }
    }

    public void Attach(QueueReceiver receiver)
    {
        lock (_gate)
        {
            _receivers.Add(receiver);
        }

        Pump();
    }

    /// <summary>
    /// Forgets a receiver. Its locks stay until they expire, as in Service Bus: the SDK may still settle them through
    /// <c>$management</c> after it re-attached.
    /// </summary>
    public void Detach(QueueReceiver receiver)
    {
        lock (_gate)
        {
            _receivers.Remove(receiver);
        }
    }

    /// <summary>Settles a locked message by its token; false when the lock is lost (expired, or settled already).</summary>
    public bool Settle(LockToken token, Settlement settlement, DeadLetterRequest? deadLetter = null, IReadOnlyDictionary<string, object>? propertiesToModify = null)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            if (!_locks.Remove(token, out var message))
            {
                return false;
            }

            message.Lock = null;
            Modify(message, propertiesToModify);
            switch (settlement)
            {
                case Settlement.Complete:
                    StoreOf(message).Remove(message);
                    break;
                case Settlement.Abandon:
                    FailedDelivery(message, now);
                    break;
                case Settlement.DeadLetter:
                    MoveToDeadLetter(message, new DeadLetterReason(deadLetter?.Reason ?? string.Empty), deadLetter?.Description, now);
                    break;
                case Settlement.Release:
                    MakeDeliverable(message);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(settlement), settlement, null);
            }

            Reschedule(now);
        }

        if (settlement != Settlement.Complete)
        {
            Pump();
        }

        return true;
    }

    /// <summary>Extends every lock by the lock duration from now; null (and nothing renewed) when any lock is lost.</summary>
    public IReadOnlyList<DateTimeOffset>? RenewLocks(IReadOnlyList<LockToken> tokens)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            if (!tokens.All(_locks.ContainsKey))
            {
                return null;
            }

            var lockedUntil = now + Options.LockDuration;
            foreach (var token in tokens)
            {
                var message = _locks[token];
                message.Lock = message.Lock! with { LockedUntil = lockedUntil };
                _lockExpiries.Enqueue(token, lockedUntil);
            }

            Reschedule(now);
            return tokens.Select(_ => lockedUntil).ToList();
        }
    }

    /// <summary>Copies of up to <paramref name="count"/> messages from a sequence number on; nothing changes.</summary>
    public IReadOnlyList<DeliverySnapshot> Peek(SubQueue subQueue, long fromSequenceNumber, int count)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            var store = subQueue == SubQueue.Active ? _active : _deadLettered;
            return store.From(fromSequenceNumber).Take(count).Select(m => m.Snapshot()).ToList();
        }
    }

    /// <summary>
    /// Hands deliverable messages to receivers with credit. Not re-entrant: the library may call back (a pre-settled
    /// delivery's disposition) from inside a send, and a nested pump would deliver one message twice; a pump asked for
    /// while one runs makes the running one go round again instead.
    /// </summary>
    public void Pump()
    {
        if (Interlocked.Increment(ref _pumpRequests) != 1)
        {
            return;
        }

        do
        {
            Volatile.Write(ref _pumpRequests, 1);
            List<Assignment> round;
            lock (_gate)
            {
                round = Assign(_time.GetUtcNow());
            }

            foreach (var assignment in round)
            {
                Hand(assignment);
            }
        }
        while (Interlocked.CompareExchange(ref _pumpRequests, 0, 1) != 1);
    }

    public void Dispose() => _timer.Dispose();

    private SendOutcome Store(IReadOnlyList<IncomingMessage> messages, out IReadOnlyList<long> sequenceNumbers)
    {
        var now = _time.GetUtcNow();
        var numbers = new List<long>(messages.Count);
        sequenceNumbers = numbers;
        lock (_gate)
        {
            Sweep(now);
            var size = messages.Sum(m => m.Encoded.LongLength);
            if (_active.Size + _deadLettered.Size + size > Options.MaxSizeInBytes)
            {
                return SendOutcome.QuotaExceeded;
            }

            foreach (var incoming in messages)
            {
                // A dropped duplicate still gets a number: the SDK refuses an empty answer to schedule-message.
                var sequenceNumber = _nextSequenceNumber++;
                numbers.Add(sequenceNumber);
                if (IsDuplicate(incoming.MessageId, now))
                {
                    LogDuplicateDropped(_logger, Name, incoming.MessageId);
                    continue;
                }

                Enqueue(incoming, sequenceNumber, now);
            }

            Reschedule(now);
        }

        Pump();
        return SendOutcome.Accepted;
    }

    private bool IsDuplicate(string? messageId, DateTimeOffset now)
    {
        if (!Options.RequiresDuplicateDetection || messageId is null)
        {
            return false;
        }

        if (_duplicates.IsDuplicate(messageId, now))
        {
            return true;
        }

        _duplicates.Record(messageId, now);
        return false;
    }

    private void Enqueue(IncomingMessage incoming, long sequenceNumber, DateTimeOffset now)
    {
        // A message's own TTL can shorten the queue's default, never lengthen it.
        var ttl = incoming.TimeToLive is { } own && own < Options.DefaultMessageTimeToLive ? own : Options.DefaultMessageTimeToLive;
        var scheduled = incoming.ScheduledEnqueueTime > now;
        var message = new QueuedMessage
        {
            Encoded = incoming.Encoded,
            SequenceNumber = sequenceNumber,
            MessageId = incoming.MessageId,
            EnqueuedTime = now,
            TimeToLive = ttl,
            ScheduledEnqueueTime = incoming.ScheduledEnqueueTime,
            State = scheduled ? MessageState.Scheduled : MessageState.Active,
        };
        _active.Add(message);
        if (scheduled)
        {
            _scheduled.Enqueue(sequenceNumber, incoming.ScheduledEnqueueTime!.Value);
        }
        else
        {
            WatchExpiry(message);
        }
    }

    private List<Assignment> Assign(DateTimeOffset now)
    {
        Sweep(now);
        var round = new List<Assignment>();
        var count = _receivers.Count;
        var start = count == 0 ? 0 : (int)(unchecked((uint)_nextReceiver++) % (uint)count);
        for (var progress = count > 0; progress;)
        {
            // One message per receiver per pass, so concurrent receivers share the queue.
            progress = false;
            for (var i = 0; i < count; i++)
            {
                var receiver = _receivers[(start + i) % count];
                if (receiver.Credit == 0 || NextDeliverable(receiver.SubQueue, now) is not { } message)
                {
                    continue;
                }

                receiver.Reserve();
                var store = StoreOf(message);
                if (receiver.ReceiveAndDelete)
                {
                    store.Remove(message);
                }
                else
                {
                    var token = LockToken.New();
                    message.Lock = new MessageLock(token, now + Options.LockDuration);
                    store.MarkUndeliverable(message);
                    _locks.Add(token, message);
                    _lockExpiries.Enqueue(token, message.Lock.LockedUntil);
                }

                round.Add(new Assignment(receiver, message.Snapshot(), message));
                progress = true;
            }
        }

        Reschedule(now);
        return round;
    }

    private void Hand(Assignment assignment)
    {
        var delivered = false;
        try
        {
            delivered = assignment.Receiver.Deliver(assignment.Delivery);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogDeliveryFailed(_logger, exception, Name, assignment.Delivery.SequenceNumber);
        }
        finally
        {
            assignment.Receiver.Unreserve();
        }

        if (!delivered)
        {
            TakeBack(assignment);
        }
    }

    /// <summary>A delivery that never left: the message is deliverable again, and no attempt is counted.</summary>
    private void TakeBack(Assignment assignment)
    {
        lock (_gate)
        {
            var message = assignment.Message;
            if (assignment.Delivery.Lock is { } held)
            {
                if (_locks.Remove(held.Token))
                {
                    MakeDeliverable(message);
                }
            }
            else
            {
                (message.DeadLetter is null ? _active : _deadLettered).Add(message);
            }
        }
    }

    private QueuedMessage? NextDeliverable(SubQueue subQueue, DateTimeOffset now)
    {
        var store = subQueue == SubQueue.Active ? _active : _deadLettered;
        while (store.NextDeliverable() is { } message)
        {
            if (subQueue == SubQueue.DeadLetter || message.ExpiresAt > now)
            {
                return message;
            }

            Expire(message, now);
        }

        return null;
    }

    /// <summary>Applies everything that fell due by <paramref name="now"/>: lapsed locks, scheduled messages, expiries.</summary>
    private void Sweep(DateTimeOffset now)
    {
        while (_lockExpiries.TryPeek(out var token, out var due) && due <= now)
        {
            _lockExpiries.Dequeue();
            if (_locks.TryGetValue(token, out var message) && message.Lock!.LockedUntil <= now)
            {
                _locks.Remove(token);
                message.Lock = null;
                LogLockExpired(_logger, Name, message.SequenceNumber, message.DeliveryCount + 1);
                FailedDelivery(message, now);
            }
        }

        while (_scheduled.TryPeek(out var sequenceNumber, out var due) && due <= now)
        {
            _scheduled.Dequeue();
            if (_active.Find(sequenceNumber) is { State: MessageState.Scheduled } message)
            {
                message.State = MessageState.Active;
                message.EnqueuedTime = now;
                _active.MarkDeliverable(message);
                WatchExpiry(message);
            }
        }

        while (_expiries.TryPeek(out var sequenceNumber, out var due) && due <= now)
        {
            _expiries.Dequeue();
            if (_active.Find(sequenceNumber) is not { } message)
            {
                continue;
            }

            // A locked message is watched again when its lock ends (abandon, release, expiry).
            message.ExpiryWatched = false;
            if (message is { State: MessageState.Active, Lock: null } && message.ExpiresAt <= now)
            {
                Expire(message, now);
            }
        }
    }

    /// <summary>An abandon or a lapsed lock: one more delivery counted, and the dead-letter queue after the last one.</summary>
    private void FailedDelivery(QueuedMessage message, DateTimeOffset now)
    {
        message.DeliveryCount++;
        if (message.DeadLetter is null && message.DeliveryCount >= Options.MaxDeliveryCount)
        {
            MoveToDeadLetter(message, DeadLetterReason.MaxDeliveryCountExceeded, $"Message could not be consumed after {Options.MaxDeliveryCount} delivery attempts.", now);
            return;
        }

        MakeDeliverable(message);
    }

    private void MakeDeliverable(QueuedMessage message)
    {
        StoreOf(message).MarkDeliverable(message);
        if (message.DeadLetter is null)
        {
            WatchExpiry(message);
        }
    }

    /// <summary>One entry per message at most, however often it is released and abandoned before it expires.</summary>
    private void WatchExpiry(QueuedMessage message)
    {
        if (message.ExpiresAt != DateTimeOffset.MaxValue && !message.ExpiryWatched)
        {
            message.ExpiryWatched = true;
            _expiries.Enqueue(message.SequenceNumber, message.ExpiresAt);
        }
    }

    private void Expire(QueuedMessage message, DateTimeOffset now)
    {
        if (Options.DeadLetteringOnMessageExpiration)
        {
            MoveToDeadLetter(message, DeadLetterReason.TtlExpired, "The message expired and was dead lettered.", now);
            return;
        }

        _active.Remove(message);
        LogExpired(_logger, Name, message.SequenceNumber);
    }

    private void MoveToDeadLetter(QueuedMessage message, DeadLetterReason reason, string? description, DateTimeOffset now)
    {
        StoreOf(message).Remove(message);
        message.Lock = null;
        message.DeadLetter = new DeadLetter(reason, description, now);
        _deadLettered.Add(message);
        LogDeadLettered(_logger, Name, message.SequenceNumber, reason.Value);
    }

    private static void Modify(QueuedMessage message, IReadOnlyDictionary<string, object>? properties)
    {
        if (properties is null || properties.Count == 0)
        {
            return;
        }

        message.ModifiedProperties ??= new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            message.ModifiedProperties[key] = value;
        }
    }

    private MessageStore StoreOf(QueuedMessage message) => message.DeadLetter is null ? _active : _deadLettered;

    private void OnTimer()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _timerDue = DateTimeOffset.MaxValue;
            Sweep(now);
            Reschedule(now);
        }

        Pump();
    }

    /// <summary>Sets the one timer to the earliest thing that can fall due (stale entries only cause an early, empty sweep).</summary>
    private void Reschedule(DateTimeOffset now)
    {
        var due = DateTimeOffset.MaxValue;
        if (_lockExpiries.TryPeek(out _, out var lockDue))
        {
            due = lockDue;
        }

        if (_scheduled.TryPeek(out _, out var scheduledDue) && scheduledDue < due)
        {
            due = scheduledDue;
        }

        if (_expiries.TryPeek(out _, out var expiryDue) && expiryDue < due)
        {
            due = expiryDue;
        }

        if (due == _timerDue)
        {
            return;
        }

        _timerDue = due;
        _timer.Change(due == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : Max(due - now, TimeSpan.Zero), Timeout.InfiniteTimeSpan);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed record Assignment(QueueReceiver Receiver, DeliverySnapshot Delivery, QueuedMessage Message);

    [LoggerMessage(EventId = 9101, EventName = "BrokerDuplicateDropped", Level = LogLevel.Information, Message = "Queue {Queue} dropped message {MessageId}: seen within the duplicate detection window")]
    private static partial void LogDuplicateDropped(ILogger logger, string queue, string? messageId);

    [LoggerMessage(EventId = 9102, EventName = "BrokerLockExpired", Level = LogLevel.Information, Message = "Queue {Queue}: the lock on message {SequenceNumber} expired (delivery {DeliveryCount})")]
    private static partial void LogLockExpired(ILogger logger, string queue, long sequenceNumber, int deliveryCount);

    [LoggerMessage(EventId = 9103, EventName = "BrokerDeadLettered", Level = LogLevel.Information, Message = "Queue {Queue} dead-lettered message {SequenceNumber}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string queue, long sequenceNumber, string reason);

    [LoggerMessage(EventId = 9104, EventName = "BrokerExpired", Level = LogLevel.Information, Message = "Queue {Queue} dropped expired message {SequenceNumber}")]
    private static partial void LogExpired(ILogger logger, string queue, long sequenceNumber);

    [LoggerMessage(EventId = 9105, EventName = "BrokerDeliveryFailed", Level = LogLevel.Warning, Message = "Queue {Queue} could not deliver message {SequenceNumber}")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string queue, long sequenceNumber);
}
