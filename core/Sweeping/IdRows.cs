using SfSync.Model;

namespace SfSync.Sweeping;

/// <summary>One row of a Salesforce Id keyset page: the id, its stamp (it costs nothing to select) and whether it is in
/// the recycle bin (the page is read with queryAll, so only purged records are absent).</summary>
internal sealed record SalesforceIdRow(SalesforceId Id, DateTimeOffset SystemModstamp, bool IsDeleted);

/// <summary>A page of Salesforce ids of one entity, ascending, and whether more follow.</summary>
internal sealed record SalesforceIdPage(EntityKind Entity, IReadOnlyList<SalesforceIdRow> Rows, bool HasMore);

/// <summary>The next page of one entity: ids after <see cref="After"/> (from the first when null), at most <see cref="Limit"/>.</summary>
internal sealed record SalesforceIdQuery(EntityKind Entity, SalesforceId? After, int Limit);

/// <summary>What one read cost: the pages and the API calls they took (one Composite call per five queries, plus any
/// queryMore a page needed).</summary>
internal sealed record SalesforceIdRead(IReadOnlyList<SalesforceIdPage> Pages, int Calls);

/// <summary>One live record of the app's id listing.</summary>
internal sealed record AppIdRow(AppId Id, long Version, DateTimeOffset ModifiedAt, bool SyncDisabled);

/// <summary>A page of the app's live ids of one entity, ascending in ordinal order, and whether more follow.</summary>
internal sealed record AppIdPage(IReadOnlyList<AppIdRow> Rows, bool HasMore);
