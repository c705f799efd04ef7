using Microsoft.Extensions.Logging;
using SfSync.Model;

namespace SfSync.Reconciling;

internal static partial class ReconcileLog
{
    [LoggerMessage(EventId = 2001, EventName = "KeysReconciled", Level = LogLevel.Information,
        Message = "Reconciled {Count} {Entity} keys: Salesforce {SalesforceWrites} writes, app {AppWrites} writes, {Failed} failed, {Raced} raced")]
    public static partial void KeysReconciled(ILogger logger, EntityKind entity, int count, int salesforceWrites, int appWrites, int failed, int raced);

    [LoggerMessage(EventId = 2002, EventName = "RecordFailed", Level = LogLevel.Warning,
        Message = "{Entity} record sf:{SalesforceId} app:{AppId} failed on {Side}: {ErrorCode}")]
    public static partial void RecordFailed(ILogger logger, EntityKind entity, string? salesforceId, string? appId, Side side, string? errorCode);

    [LoggerMessage(EventId = 2004, EventName = "LeasesKept", Level = LogLevel.Warning,
        Message = "Could not release {Count} record leases after a side became unavailable ({Error}); they expire by themselves")]
    public static partial void LeasesKept(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 2003, EventName = "DuplicateMatch", Level = LogLevel.Warning,
        Message = "{Entity} record sf:{SalesforceId} app:{AppId} matched {Count} duplicates; linked the earliest created")]
    public static partial void DuplicateMatch(ILogger logger, EntityKind entity, string? salesforceId, string? appId, int count);
}
