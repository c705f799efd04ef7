using SfSync.Model;

namespace SfSync.State;

/// <summary>What operators see for one record: its ids, when it last synced and how the last attempt went.</summary>
internal sealed record RecordStatus(
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

internal interface IRecordStatusLog
{
    Task WriteAsync(IReadOnlyList<RecordStatus> statuses, CancellationToken cancellationToken = default);

    Task<RecordStatus?> FindAsync(EntityKind entity, Side side, string id, CancellationToken cancellationToken = default);

    /// <summary>Every record whose latest status carries this error code (a scan: for operators' listings, not the sync).</summary>
    Task<IReadOnlyList<RecordStatus>> ListWithErrorAsync(string errorCode, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RecordStatus>>([]);
}
