using SfSync.Model;

namespace SfSync.Salesforce;

/// <summary>
/// Changes of one object with <c>SystemModstamp</c> at or after <see cref="From"/>, ordered by
/// (SystemModstamp, Id). With <see cref="AfterId"/> it is a keyset page: stamp &gt; From, or = From and Id &gt; AfterId.
/// Deleted records must be included (queryAll).
/// </summary>
/// <param name="Before">An exclusive upper bound on the stamp (the late-commit window ends at the watermark).</param>
/// <param name="OthersOnly">Only records last modified by someone other than the integration user: our own writes are
/// never late (their answer comes after their commit), so re-reading them for late commits would only spend calls.</param>
internal sealed record SalesforceChangeQuery(EntityKind Entity, DateTimeOffset From, SalesforceId? AfterId, int Limit, DateTimeOffset? Before = null, bool OthersOnly = false)
{
    /// <summary>The most change queries one <see cref="ISalesforceRecords.ReadChangesAsync"/> may carry: a Composite
    /// request, one API call, holds at most five queries.</summary>
    public const int PerCall = 5;
}

/// <summary>One changed record as the change feed reports it. <see cref="Fields"/> holds the mapped fields when
/// the adapter selected them (it costs no extra call), which lets the planner drop our own echoes.</summary>
/// <param name="ExternalAppId">The configured External ID field's value (the app id our upsert stamped), when the
/// adapter has one configured and the record holds a value.</param>
internal sealed record SalesforceChange(
    SalesforceId Id,
    DateTimeOffset SystemModstamp,
    bool IsDeleted,
    IReadOnlyDictionary<string, string?>? Fields = null,
    SalesforceId? ParentId = null,
    AppId? ExternalAppId = null);

/// <param name="ReadAt">The org's time when the read was sent, never later than the truth (null when unknown): a record
/// stamped more than the lookback before it was committed before the read, so later reads need not look for it.</param>
/// <param name="Committed">The org's own word, asked in the same call before the queries: every record of the entity
/// stamped before this was committed, so the queries saw it (sObject Get Updated's <c>latestDateCovered</c> — the
/// start of a transaction still open, else the end of the span asked — cut to the minute). Null when the org did not
/// say; then only the lookback stands for it.</param>
internal sealed record SalesforceChangePage(EntityKind Entity, IReadOnlyList<SalesforceChange> Changes, bool HasMore, DateTimeOffset? ReadAt = null, DateTimeOffset? Committed = null);
