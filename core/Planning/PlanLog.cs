using Microsoft.Extensions.Logging;
using SfSync.Model;

namespace SfSync.Planning;

internal static partial class PlanLog
{
    [LoggerMessage(EventId = 1001, EventName = "EntityPlanned", Level = LogLevel.Information,
        Message = "Run {RunId} planned {Count} {Entity} keys in {Batches} batches ({Skipped} feed entries were echoes or already planned)")]
    public static partial void EntityPlanned(ILogger logger, string runId, EntityKind entity, int count, int batches, int skipped);

    [LoggerMessage(EventId = 1002, EventName = "BatchResent", Level = LogLevel.Warning,
        Message = "Run {RunId} re-sends {Entity} batch {BatchId} (attempt {Attempt}, was {Status}: {Reason})")]
    public static partial void BatchResent(ILogger logger, string runId, EntityKind entity, string batchId, int attempt, string status, string? reason);

    [LoggerMessage(EventId = 1003, EventName = "PlanningPaused", Level = LogLevel.Warning,
        Message = "Run {RunId} paused planning: {Reason}")]
    public static partial void PlanningPaused(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 1004, EventName = "CursorRace", Level = LogLevel.Warning,
        Message = "Run {RunId} lost the {Entity} cursor to a concurrent run; its plan was withdrawn")]
    public static partial void CursorRace(ILogger logger, string runId, EntityKind entity);

    [LoggerMessage(EventId = 1005, EventName = "CursorCommitted", Level = LogLevel.Debug,
        Message = "{Entity} cursor committed through plan {PlanId}")]
    public static partial void CursorCommitted(ILogger logger, EntityKind entity, string planId);

    [LoggerMessage(EventId = 1006, EventName = "PlanningResumed", Level = LogLevel.Information,
        Message = "Run {RunId} resumed planning: {Reason}")]
    public static partial void PlanningResumed(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 1007, EventName = "UsageAboveThreshold", Level = LogLevel.Warning,
        Message = "Run {RunId} left Salesforce API usage at {Used} of {DailyMax} daily calls, at or above the pause threshold: the next run pauses")]
    public static partial void UsageAboveThreshold(ILogger logger, string runId, long used, long dailyMax);

    [LoggerMessage(EventId = 1008, EventName = "OverlapMemoryFull", Level = LogLevel.Warning,
        Message = "Run {RunId}: the {Entity} lookback window holds more changes than the cursor remembers ({Capacity}); the oldest {Count} will be planned again while they stay in it")]
    public static partial void OverlapMemoryFull(ILogger logger, string runId, EntityKind entity, int count, int capacity);

    [LoggerMessage(EventId = 1009, EventName = "OrphanPlanClosed", Level = LogLevel.Warning,
        Message = "Closed {Entity} plan {PlanId} of sequence {Sequence}: another planner's plan of that sequence holds the cursor")]
    public static partial void OrphanPlanClosed(ILogger logger, EntityKind entity, string planId, long sequence);
}
