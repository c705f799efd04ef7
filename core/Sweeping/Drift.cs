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

        // Our own write lands just after the round that stored the link read the record, so only a stamp past both the
        // stored stamp and the sync time (plus the allowance) is a change nobody reconciled.
        var newer = link.SalesforceStamp is not { } stamp || row.SystemModstamp > stamp;
        var notOurs = link.LastSyncedAt is not { } synced || row.SystemModstamp > synced + options.OwnWriteAllowance;
        return newer && notOurs ? DriftClass.ChangedInSalesforce : DriftClass.InStep;
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
