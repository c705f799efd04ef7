using Microsoft.Extensions.Logging;
using SfSync.Model;

namespace SfSync.Sweeping;

internal static partial class SweepLog
{
    [LoggerMessage(EventId = 7001, EventName = "SweepStarted", Level = LogLevel.Information, Message = "Drift sweep {RunId} started for {Count} entities")]
    public static partial void Started(ILogger logger, string runId, int count);

    [LoggerMessage(EventId = 7002, EventName = "SweepPage", Level = LogLevel.Information,
        Message = "Drift sweep {RunId} compared {SalesforceIds} Salesforce and {AppIds} app {Entity} ids (page {Page}): {Count} to reconcile in {Batches} batches")]
    public static partial void Page(ILogger logger, string runId, EntityKind entity, int page, int salesforceIds, int appIds, int count, int batches);

    [LoggerMessage(EventId = 7003, EventName = "SweepSliceEnded", Level = LogLevel.Information,
        Message = "Drift sweep {RunId} slice ended ({Outcome}) after {Calls} Salesforce calls")]
    public static partial void SliceEnded(ILogger logger, string runId, string outcome, int calls);

    [LoggerMessage(EventId = 7004, EventName = "SweepFinished", Level = LogLevel.Information,
        Message = "Drift sweep {RunId} finished: {Summary}")]
    public static partial void Finished(ILogger logger, string runId, string summary);

    [LoggerMessage(EventId = 7005, EventName = "SweepInterrupted", Level = LogLevel.Warning,
        Message = "Drift sweep {RunId} stopped for now: {Reason}; the next slice reads the same pages")]
    public static partial void Interrupted(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 7006, EventName = "SweepLeaseLost", Level = LogLevel.Warning,
        Message = "Drift sweep {RunId}: another slice took the sweep over; this one stops")]
    public static partial void LeaseLost(ILogger logger, string runId);

    [LoggerMessage(EventId = 7007, EventName = "SweepNotSent", Level = LogLevel.Warning,
        Message = "Drift sweep {RunId}: {Count} batches are in the outbox but the queue did not take them ({Reason}); the stall re-send sends them")]
    public static partial void NotSent(ILogger logger, string runId, int count, string reason);

    [LoggerMessage(EventId = 7008, EventName = "SweepPaused", Level = LogLevel.Warning, Message = "Drift sweep {RunId} paused: {Reason}")]
    public static partial void Paused(ILogger logger, string runId, string reason);
}
