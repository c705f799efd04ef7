using SfSync.Model;

namespace SfSync.State;

/// <summary>What operators see for one record: its ids, when it last synced and how the last attempt went.</summary>
public sealed record RecordStatus(
    EntityKind Entity,
    SalesforceId? SalesforceId,
    AppId? AppId,
    string RunId,
    string BatchId,
    DateTimeOffset AttemptedAt,
    DateTimeOffset? LastSyncedAt,
    string SalesforceOutcome,
    string AppOutcome,
    string? ErrorCode,
    string? Error,
    string? ConflictSummary);

public interface IRecordStatusLog
{
    Task WriteAsync(IReadOnlyList<RecordStatus> statuses, CancellationToken cancellationToken = default);

    Task<RecordStatus?> FindAsync(EntityKind entity, Side side, string id, CancellationToken cancellationToken = default);
}
