using Microsoft.Extensions.Logging;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.State;

namespace SfSync.Queue;

/// <summary>
/// Replays dead-lettered batches through the outbox: the re-send is recorded (a new attempt, pending, enqueued now)
/// before it is sent, and the message leaves the dead-letter queue only after that send. A replay that stops half-way
/// loses nothing: the message is still dead-lettered, or the outbox holds the batch pending and its stall re-send
/// sends it again.
/// </summary>
internal sealed class DeadLetterReplay(IDeadLetterQueue deadLetters, IPlanOutbox outbox, IBatchQueue queue, TimeProvider time, ILogger<DeadLetterReplay> logger)
{
    /// <summary>Messages one replay takes at most; the rest wait for the next call (each is locked while it is handled).</summary>
    public const int MaxPerReplay = 500;

    /// <summary>Replays every dead-lettered message, or only those of <paramref name="batchId"/>.</summary>
    public async Task<IReadOnlyList<ReplayedMessage>> ReplayAsync(string? batchId, CancellationToken cancellationToken = default)
    {
        var locked = await deadLetters.LockAsync(MaxPerReplay, cancellationToken).ConfigureAwait(false);
        var results = new List<ReplayedMessage>();
        foreach (var message in locked)
        {
            var wanted = batchId is null || string.Equals(message.Message.BatchId, batchId, StringComparison.Ordinal);
            ReplayedMessage? result = null;
            try
            {
                if (wanted)
                {
                    result = await ReplayOneAsync(message, cancellationToken).ConfigureAwait(false);
                    results.Add(result);
                }
            }
            finally
            {
                if (result is not { Removed: true })
                {
                    await deadLetters.ReleaseAsync(message, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        return results;
    }

    private async Task<ReplayedMessage> ReplayOneAsync(LockedDeadLetter locked, CancellationToken cancellationToken)
    {
        var message = locked.Message;
        ReplayedMessage Result(ReplayCase replay, bool removed, string detail)
        {
            QueueLog.Replayed(logger, message.RunId ?? "?", message.BatchId ?? "?", message.SequenceNumber, replay, removed, detail);
            return new ReplayedMessage(message.SequenceNumber, message.MessageId, message.BatchId, message.RunId, replay, removed, detail);
        }

        var isBatch = SyncBatchMessage.TryParse(message.Body, out var batch, out var parseError);
        var stored = isBatch ? await outbox.GetBatchAsync(batch!.PlanId, batch.BatchId, cancellationToken).ConfigureAwait(false) : null;
        var replay = ReplayDecision.For(isBatch, stored);
        switch (replay)
        {
            case ReplayCase.NotABatch:
                return Result(replay, false, $"Left in the dead-letter queue: {parseError}");
            case ReplayCase.AlreadyApplied or ReplayCase.PlanClosed:
                await deadLetters.CompleteAsync(locked, cancellationToken).ConfigureAwait(false);
                return Result(replay, true, replay == ReplayCase.AlreadyApplied ? "The batch was applied since; the message is removed." : "The batch's plan is closed (all its batches were applied); the message is removed.");
        }

        var next = stored! with
        {
            Status = BatchStatus.Pending,
            Attempts = stored.Attempts + 1,
            EnqueuedAt = time.GetUtcNow(),
            NextAttemptAt = null,
            Scheduled = false,
            LastReason = $"Replayed from the dead-letter queue ({message.Reason ?? "no reason given"})",
        };
        if (!await outbox.TryUpdateBatchAsync(next, cancellationToken).ConfigureAwait(false))
        {
            return Result(replay, false, "The batch changed in the outbox while it was being replayed (it is being applied or re-sent); left in the dead-letter queue, replay it again.");
        }

        try
        {
            await queue.SendAsync([SyncBatch.From(next)], cancellationToken).ConfigureAwait(false);
        }
        catch (QueueUnavailableException ex)
        {
            return Result(replay, false, $"Recorded as sent again but the send failed ({ex.Message}); left in the dead-letter queue, and the outbox sends it again once it stalls.");
        }

        await deadLetters.CompleteAsync(locked, cancellationToken).ConfigureAwait(false);
        return Result(replay, true, $"Sent again as attempt {next.Attempts}.");
    }
}
