using Microsoft.Extensions.Logging;
using SfSync.Model;

namespace SfSync.Reconciling;

internal static partial class BatchLog
{
    [LoggerMessage(EventId = 3001, EventName = "BatchApplied", Level = LogLevel.Information,
        Message = "Run {RunId} batch {BatchId} applied {Count} {Entity} records: Salesforce {SalesforceWrites} writes, app {AppWrites} writes, {Failed} failed, {Conflicts} conflicts")]
    public static partial void Applied(ILogger logger, string runId, string batchId, EntityKind entity, int count, int salesforceWrites, int appWrites, int failed, int conflicts);

    [LoggerMessage(EventId = 3002, EventName = "BatchDeferred", Level = LogLevel.Warning,
        Message = "Run {RunId} batch {BatchId} ({Entity}) deferred until {NextAttemptAt:o}: {Side} unavailable: {Reason}")]
    public static partial void Deferred(ILogger logger, string runId, string batchId, EntityKind entity, Side side, DateTimeOffset nextAttemptAt, string reason);

    [LoggerMessage(EventId = 3003, EventName = "BatchAlreadyApplied", Level = LogLevel.Information,
        Message = "Run {RunId} batch {BatchId} ({Entity}) was already applied; redelivery ignored")]
    public static partial void AlreadyApplied(ILogger logger, string runId, string batchId, EntityKind entity);
}
