using SfSync.Model;

namespace SfSync.Salesforce;

/// <summary>
/// Changes of one object with <c>SystemModstamp</c> at or after <see cref="From"/>, ordered by
/// (SystemModstamp, Id). With <see cref="AfterId"/> it is a keyset page: stamp &gt; From, or = From and Id &gt; AfterId.
/// Deleted records must be included (queryAll).
/// </summary>
public sealed record SalesforceChangeQuery(EntityKind Entity, DateTimeOffset From, SalesforceId? AfterId, int Limit);

/// <summary>One changed record as the change feed reports it. <see cref="Fields"/> holds the mapped fields when
/// the adapter selected them (it costs no extra call), which lets the planner drop our own echoes.</summary>
/// <param name="ExternalAppId">The configured External ID field's value (the app id our upsert stamped), when the
/// adapter has one configured and the record holds a value.</param>
public sealed record SalesforceChange(
    SalesforceId Id,
    DateTimeOffset SystemModstamp,
    bool IsDeleted,
    IReadOnlyDictionary<string, string?>? Fields = null,
    SalesforceId? ParentId = null,
    AppId? ExternalAppId = null);

public sealed record SalesforceChangePage(EntityKind Entity, IReadOnlyList<SalesforceChange> Changes, bool HasMore);
