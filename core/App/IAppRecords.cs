using SfSync.Model;

namespace SfSync.App;

/// <summary>
/// The engine's port to the line-of-business app (the app sync API contract). Adapters retry transient
/// failures briefly and then throw <see cref="SideUnavailableException"/>.
/// </summary>
internal interface IAppRecords
{
    /// <summary>What changed after an opaque cursor (null: from the beginning), at most <paramref name="limit"/> entries.</summary>
    Task<AppChangePage> ReadChangesAsync(EntityKind entity, string? cursor, int limit, CancellationToken cancellationToken = default);

    /// <summary>Current records matching any lookup of the request. Deleted records are absent, except that with
    /// <see cref="AppReadRequest.IncludeDeleted"/> a record asked for by id or by Salesforce id comes back as a tombstone
    /// (<see cref="AppRecord.Deleted"/>) holding the customer it had when it was deleted.</summary>
    Task<IReadOnlyList<AppRecord>> ReadAsync(EntityKind entity, AppReadRequest request, CancellationToken cancellationToken = default);

    /// <summary>Creates (no id) or updates records; results aligned by index. An update with
    /// <see cref="AppUpsert.ExpectedVersion"/> is refused with <see cref="AppWriteResult.VersionConflict"/> when the
    /// record has moved on since it was read, so a person's edit made in between is never overwritten.</summary>
    Task<IReadOnlyList<AppWriteResult>> UpsertAsync(EntityKind entity, IReadOnlyList<AppUpsert> records, CancellationToken cancellationToken = default);

    /// <summary>Deletes records; results aligned by index. Deleting a missing record succeeds.</summary>
    Task<IReadOnlyList<AppWriteResult>> DeleteAsync(EntityKind entity, IReadOnlyList<AppId> ids, CancellationToken cancellationToken = default);
}

internal sealed record AppReadRequest(
    IReadOnlyList<AppId> Ids,
    IReadOnlyList<SalesforceId> SalesforceIds,
    IReadOnlyList<string> Emails,
    IReadOnlyList<string> Names)
{
    /// <summary>Contacts whose customer is one of these (live contacts only).</summary>
    public IReadOnlyList<AppId> CustomerIds { get; init; } = [];

    /// <summary>Records asked for by <see cref="Ids"/> or <see cref="SalesforceIds"/> come back even when deleted, as tombstones.</summary>
    public bool IncludeDeleted { get; init; }

    public static AppReadRequest ByIds(IReadOnlyList<AppId> ids) => new(ids, [], [], []);

    public bool IsEmpty => Ids.Count == 0 && SalesforceIds.Count == 0 && Emails.Count == 0 && Names.Count == 0 && CustomerIds.Count == 0;
}

/// <summary>One entry of the app's change feed.</summary>
/// <param name="Version">The app's monotonic change sequence for this entry.</param>
internal sealed record AppChange(AppId Id, long Version, DateTimeOffset ModifiedAt, bool Deleted);

internal sealed record AppChangePage(IReadOnlyList<AppChange> Changes, string? NextCursor, bool HasMore);

/// <summary>
/// A create (<see cref="Id"/> null) or an update. <see cref="SalesforceId"/> and <see cref="ParentId"/> are written
/// only when set: the engine never clears a link or a parent.
/// </summary>
/// <param name="ExpectedVersion">For an update: the version the engine read; the app refuses the write with
/// <see cref="AppWriteResult.VersionConflict"/> if the record changed since.</param>
internal sealed record AppUpsert(AppId? Id, IReadOnlyDictionary<string, string?> Fields, SalesforceId? SalesforceId, AppId? ParentId, long? ExpectedVersion = null);

/// <param name="Version">The record's change sequence after the write, so our own write can be recognised in the feed.</param>
/// <param name="Existing">A create whose Salesforce id a live record already carried: that record was returned unchanged
/// (a create retried after a lost answer, whose record a person may have edited since), and its version is not ours.</param>
internal sealed record AppWriteResult(bool Success, AppId? Id = null, long Version = 0, string? ErrorCode = null, string? Message = null, bool Existing = false)
{
    /// <summary>The per-record error of a conditional update whose record changed after it was read.</summary>
    public const string VersionConflict = "VersionConflict";

    public bool IsVersionConflict => !Success && ErrorCode == VersionConflict;

    public static AppWriteResult Failed(string errorCode, string message) => new(false, null, 0, errorCode, message);
}
