using SfSync.Model;

namespace SfSync.Salesforce;

/// <summary>A create. <see cref="AppId"/> lets an adapter upsert on an External ID field, which makes a retried
/// create idempotent in Salesforce itself.</summary>
internal sealed record SalesforceCreate(AppId AppId, IReadOnlyDictionary<string, string?> Fields);

internal sealed record SalesforceUpdate(SalesforceId Id, IReadOnlyDictionary<string, string?> Fields);

/// <summary>The writes of one entity for one batch. Field names are Salesforce API names (AccountId, OwnerId included).</summary>
internal sealed record SalesforceWriteSet(
    EntityKind Entity,
    IReadOnlyList<SalesforceCreate> Creates,
    IReadOnlyList<SalesforceUpdate> Updates,
    IReadOnlyList<SalesforceId> Deletes)
{
    public bool IsEmpty => Creates.Count == 0 && Updates.Count == 0 && Deletes.Count == 0;
}

/// <summary>The result of one record's write; <see cref="Id"/> is the new id for a create.</summary>
internal sealed record WriteResult(bool Success, SalesforceId? Id = null, string? ErrorCode = null, string? Message = null)
{
    public static WriteResult Ok(SalesforceId? id = null) => new(true, id);

    public static WriteResult Failed(string errorCode, string message) => new(false, null, errorCode, message);
}

/// <summary>Results aligned by index with the write set's lists.</summary>
internal sealed record SalesforceWriteResult(
    IReadOnlyList<WriteResult> Creates,
    IReadOnlyList<WriteResult> Updates,
    IReadOnlyList<WriteResult> Deletes)
{
    public static SalesforceWriteResult Empty { get; } = new([], [], []);
}
