using SfSync.Model;
using SfSync.State;

namespace SfSync.Sweeping;

/// <summary>Salesforce ids in keyset pages (<c>SELECT Id, SystemModstamp, IsDeleted FROM X WHERE Id &gt; :last ORDER BY Id
/// LIMIT n</c> through queryAll): the pages of several entities share one Composite call.</summary>
internal interface ISalesforceIdPages
{
    Task<SalesforceIdRead> ReadIdPagesAsync(IReadOnlyList<SalesforceIdQuery> queries, CancellationToken cancellationToken = default);
}

/// <summary>The app sync API's id listing: live ids in ascending ordinal order after an exclusive <c>after</c>.</summary>
internal interface IAppIdListing
{
    Task<AppIdPage> ListIdsAsync(EntityKind entity, AppId? after, int limit, CancellationToken cancellationToken = default);
}

/// <summary>Links in id order, by a range of either side's ids, so a page of ids is compared with exactly the links of its range.</summary>
internal interface ILinkRanges
{
    /// <summary>Links whose Salesforce id is after <paramref name="after"/> (from the first when null) and at most
    /// <paramref name="upTo"/> (to the last when null), in ordinal order.</summary>
    Task<IReadOnlyList<Link>> BySalesforceRangeAsync(EntityKind entity, SalesforceId? after, SalesforceId? upTo, CancellationToken cancellationToken = default);

    /// <summary>The same by app id. Ordinal order of the stored key: an app id holding / \ # ? or % sorts by its escaped form.</summary>
    Task<IReadOnlyList<Link>> ByAppRangeAsync(EntityKind entity, AppId? after, AppId? upTo, CancellationToken cancellationToken = default);
}

/// <summary>The sweep's own state (one row): where each entity's scans stand and what they counted.</summary>
internal interface ISweepStore
{
    Task<SweepState?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts when <see cref="SweepState.ETag"/> is null, else replaces under it: the state as stored (its new
    /// ETag), or null when another writer won.</summary>
    Task<SweepState?> TrySaveAsync(SweepState state, CancellationToken cancellationToken = default);
}
