using System.ComponentModel.DataAnnotations;

namespace SfSync.Sweeping;

/// <summary>The drift sweep (docs/drift-sweep.md), bound from <c>Sync:Sweep</c>.</summary>
internal sealed class SweepOptions
{
    public const string Section = "Sync:Sweep";

    /// <summary>A new sweep starts on a <c>SweepTimer</c> tick once the last one started at least this long ago: a day, as
    /// Heroku Connect's drift detection. The timer ticks more often than this (<c>SweepSchedule</c>) to continue a running sweep.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan StartEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Salesforce calls one slice (one timer tick or the HTTP start) may spend. Each carries a 2,000-id page of every
    /// entity still being swept, so 10 calls cover 20,000 ids of each entity — about a minute against an org.</summary>
    [Range(1, 1000)]
    public int MaxSalesforceCallsPerSlice { get; set; } = 10;

    /// <summary>Wall time of one slice, checked between pages: well inside the host's function timeout and the HTTP
    /// start's 230 s, so a sweep of 1,000,000 records is many short invocations, never one long one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MaxSliceDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Ids per page on either side: 2,000 is the most one SOQL query page returns (one page, one query).</summary>
    [Range(1, 2000)]
    public int PageSize { get; set; } = 2000;

    /// <summary>A record changed less than this before its page was read is the change feed's: the next planner runs read
    /// it (the lookback is 10 minutes), so the sweep leaves it alone rather than reconcile it twice.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A Salesforce stamp within this of the link's last sync (either way) is taken for our own write landing (the
    /// round stores the stamp it read, then writes): not drift. Covers a batch's write retries and clock skew between org
    /// and engine; a change the feed missed that is stamped this close to a sync is the sweep's blind spot.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OwnWriteAllowance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a slice holds the sweep against a concurrent one; a slice that dies frees it after this.</summary>
    public TimeSpan LeaseDuration => MaxSliceDuration + TimeSpan.FromMinutes(1);
}
