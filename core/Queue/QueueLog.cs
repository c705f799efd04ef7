using Microsoft.Extensions.Logging;
using SfSync.Model;

namespace SfSync.Queue;

internal static partial class QueueLog
{
    [LoggerMessage(EventId = 5001, EventName = "BatchesSent", Level = LogLevel.Information,
        Message = "Run {RunId}: {Count} batches sent to the queue")]
    public static partial void Sent(ILogger logger, string runId, int count);

    [LoggerMessage(EventId = 5002, EventName = "BatchesNotSent", Level = LogLevel.Error,
        Message = "Run {RunId}: {Count} batches are recorded but could not be sent; the stall re-send sends them: {Reason}")]
    public static partial void NotSent(ILogger logger, string runId, int count, string reason);

    [LoggerMessage(EventId = 5003, EventName = "BatchScheduled", Level = LogLevel.Information,
        Message = "Run {RunId} batch {BatchId} ({Entity}) attempt {Attempt} scheduled on the queue for {At:o}")]
    public static partial void Scheduled(ILogger logger, string runId, string batchId, EntityKind entity, int attempt, DateTimeOffset at);

    [LoggerMessage(EventId = 5004, EventName = "BatchNotScheduled", Level = LogLevel.Warning,
        Message = "Run {RunId} batch {BatchId} ({Entity}) could not be scheduled; the planner sends it when due: {Reason}")]
    public static partial void NotScheduled(ILogger logger, string runId, string batchId, EntityKind entity, string reason);

    [LoggerMessage(EventId = 5005, EventName = "DeadLetterReplayed", Level = LogLevel.Information,
        Message = "Run {RunId} batch {BatchId}: dead-lettered message {SequenceNumber} {Outcome} (removed: {Removed}): {Detail}")]
    public static partial void Replayed(ILogger logger, string runId, string batchId, long sequenceNumber, ReplayCase outcome, bool removed, string detail);
}
