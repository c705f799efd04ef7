using SfSync.Model;

namespace SfSync.Salesforce;

/// <summary>
/// The engine's port to Salesforce. Each method is shaped so that an adapter can spend exactly one API call on
/// it (one Composite request), which is how a batch costs at most two calls, one read and one write — fewer when the
/// batches of one invocation share their requests (see <c>CallGathering</c>).
/// Adapters retry transient failures briefly and then throw <see cref="SideUnavailableException"/>.
/// </summary>
internal interface ISalesforceRecords
{
    /// <summary>Reads what changed since each query's position, for several entities at once: at most
    /// <see cref="SalesforceChangeQuery.PerCall"/> queries, one call.</summary>
    Task<IReadOnlyList<SalesforceChangePage>> ReadChangesAsync(IReadOnlyList<SalesforceChangeQuery> queries, CancellationToken cancellationToken = default);

    /// <summary>Reads current records (deleted ones included, flagged) for every lookup of the request.</summary>
    Task<SalesforceReadResult> ReadAsync(SalesforceReadRequest request, CancellationToken cancellationToken = default);

    /// <summary>Applies creates, updates and deletes of one entity, reporting each record's result.</summary>
    Task<SalesforceWriteResult> WriteAsync(SalesforceWriteSet writes, CancellationToken cancellationToken = default);

    /// <summary>Reads the org's daily API usage from the Limits resource (one small call), so that a planner that
    /// paused for the budget can tell when to resume without making the calls it paused.</summary>
    Task<ApiUsage> ReadUsageAsync(CancellationToken cancellationToken = default);

    /// <summary>API usage as of the last response, or null before the first call.</summary>
    ApiUsage? LastUsage { get; }

    /// <summary>How far the org's clock is ahead of ours, as its answers say (never more than the truth), or null before
    /// the first answer: what a record's <c>CreatedDate</c> is in our time.</summary>
    TimeSpan? ClockOffset { get; }
}
