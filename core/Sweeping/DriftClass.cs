namespace SfSync.Sweeping;

/// <summary>
/// What the sweep finds for one id on one side compared with the links, one case per row of <c>DriftTests</c>. The sweep
/// decides nothing about values: every class that <see cref="DriftClasses.Reconciles"/> hands the key to the ordinary
/// batch path, whose rules (deletions per ARCHITECTURE §5 included) decide.
/// </summary>
internal enum DriftClass
{
    /// <summary>Linked, present, and not changed since the last sync (or only by our own write): nothing to do.</summary>
    InStep,

    /// <summary>Changed, created or linked within <c>SettleTime</c> of the read: the change feed's, not the sweep's.</summary>
    Settling,

    /// <summary>A tombstone, a pending create or a deleted row whose absence on this side is what the link expects.</summary>
    Expected,

    /// <summary>An app record flagged sync_disabled: never synced, never drift.</summary>
    OptedOut,

    /// <summary>A live Salesforce record without a link: missed by the feed (or new): linked or created by the batch path.</summary>
    UnlinkedInSalesforce,

    /// <summary>A live app record without a link: missed by the feed (or new).</summary>
    UnlinkedInApp,

    /// <summary>A link whose Salesforce record no longer exists, not even in the recycle bin (hard-deleted or purged, which
    /// <c>queryAll</c> no longer returns): the batch path applies the Salesforce deletion rule.</summary>
    GoneFromSalesforce,

    /// <summary>A link whose app record no longer exists: the batch path applies the app deletion rule.</summary>
    GoneFromApp,

    /// <summary>Linked, and the SystemModstamp differs from the one the last sync read, by more than our own write explains
    /// (<c>OwnWriteAllowance</c>), and is older than <c>SettleTime</c>: a change the feed missed (a transaction that committed
    /// after the lookback window passed its stamp, say).</summary>
    ChangedInSalesforce,

    /// <summary>Linked, and the app version is newer than the link's and older than <c>SettleTime</c>.</summary>
    ChangedInApp,
}

internal static class DriftClasses
{
    /// <summary>The classes that send their key to the batch path.</summary>
    public static readonly IReadOnlyList<DriftClass> Reconciled =
        [DriftClass.UnlinkedInSalesforce, DriftClass.UnlinkedInApp, DriftClass.GoneFromSalesforce, DriftClass.GoneFromApp, DriftClass.ChangedInSalesforce, DriftClass.ChangedInApp];

    public static bool Reconciles(this DriftClass drift) => Reconciled.Contains(drift);
}
