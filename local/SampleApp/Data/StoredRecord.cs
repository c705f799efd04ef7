namespace SfSync.SampleApp.Data;

/// <summary>A customer or contact row. <see cref="Fields"/> holds the typed columns and any extension fields.</summary>
internal sealed record StoredRecord(
    long Id,
    IReadOnlyDictionary<string, string?> Fields,
    string? SalesforceId,
    long? CustomerId,
    bool SyncDisabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    long Version,
    bool Deleted);

/// <summary>What a write asks for. Null members are left as they are; a field present with a null value is cleared.</summary>
/// <param name="ExpectedVersion">An update's precondition: the version the writer read. The write is refused with
/// <c>VersionConflict</c> when the record has moved on since, so a person's edit made in between is never overwritten.</param>
internal sealed record RecordChange(
    IReadOnlyDictionary<string, string?> Fields,
    string? SalesforceId = null,
    long? CustomerId = null,
    bool? SyncDisabled = null,
    long? ExpectedVersion = null);

/// <summary>A per-record problem, reported in the record's result rather than failing the call.</summary>
internal sealed record RecordError(string Code, string Message, string? Field = null);

/// <param name="Existing">A sync create whose Salesforce id a live record already carried: <see cref="Record"/> is that
/// record, returned unchanged (nothing was written).</param>
internal sealed record WriteOutcome(StoredRecord? Record, RecordError? Error, bool Existing = false)
{
    public static WriteOutcome Ok(StoredRecord record) => new(record, null);

    public static WriteOutcome Found(StoredRecord record) => new(record, null, Existing: true);

    public static WriteOutcome Fail(string code, string message, string? field = null) => new(null, new RecordError(code, message, field));
}
