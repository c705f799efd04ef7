using SfSync.Model;
using SfSync.State;

namespace SfSync.Sweeping;

/// <summary>
/// The sweep's decisions, pure: one id on one side against its link (either may be missing) gives one
/// <see cref="DriftClass"/>. <paramref name="readAt"/> is when the page was read (engine clock).
/// </summary>
internal static class Drift
{
    public static DriftClass OfSalesforce(SalesforceIdRow? row, Link? link, DateTimeOffset readAt, SweepOptions options)
    {
        var settled = readAt - options.SettleTime;
        if (row is null)
        {
            return link switch
            {
                null => DriftClass.InStep,
                { State: LinkState.DeletedInSalesforce or LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp } => DriftClass.Expected,
                _ when Touched(link) >= settled => DriftClass.Settling, // linked after the page was read, say
                _ => DriftClass.GoneFromSalesforce,
            };
        }

        if (row.SystemModstamp >= settled)
        {
            return DriftClass.Settling;
        }

        if (link is null)
        {
            return row.IsDeleted ? DriftClass.Expected : DriftClass.UnlinkedInSalesforce;
        }

        if (link.State is LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp
            || (row.IsDeleted && link.State == LinkState.DeletedInSalesforce))
        {
            return DriftClass.Expected;
        }

        // A record's stamp moves on every write, so any stamp other than the one the last sync read means it changed since
        // — earlier ones too (a transaction that began before the synced version and committed after it). Our own write
        // lands just after that sync's read: a stamp within OwnWriteAllowance of the sync, either way (clock skew), is
        // taken for ours — the one blind spot of judging by stamps instead of reading values.
        var changed = link.SalesforceStamp is not { } stamp || row.SystemModstamp != stamp;
        var ours = link.LastSyncedAt is { } synced && (row.SystemModstamp - synced).Duration() <= options.OwnWriteAllowance;
        return changed && !ours ? DriftClass.ChangedInSalesforce : DriftClass.InStep;
    }

    public static DriftClass OfApp(AppIdRow? row, Link? link, DateTimeOffset readAt, SweepOptions options)
    {
        var settled = readAt - options.SettleTime;
        if (row is null)
        {
            return link switch
            {
                null => DriftClass.InStep,
                { State: LinkState.DeletedInApp or LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp } => DriftClass.Expected,
                _ when Touched(link) >= settled => DriftClass.Settling,
                _ => DriftClass.GoneFromApp,
            };
        }

        if (row.SyncDisabled)
        {
            return DriftClass.OptedOut;
        }

        if (row.ModifiedAt >= settled)
        {
            return DriftClass.Settling;
        }

        return link switch
        {
            null => DriftClass.UnlinkedInApp,
            { State: LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp } => DriftClass.Expected,
            // The link stores the version our own write produced, so any later version is someone else's.
            _ when row.Version > link.AppVersion => DriftClass.ChangedInApp,
            _ => DriftClass.InStep,
        };
    }

    private static DateTimeOffset Touched(Link link) =>
        link.LastSyncedAt is { } synced && synced > link.StateSince ? synced : link.StateSince;
}
