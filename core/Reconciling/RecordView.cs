using SfSync.Model;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>How the two records of a view were put together.</summary>
internal enum Pairing
{
    /// <summary>One side only, or neither: nothing pairs it (yet).</summary>
    None,

    /// <summary>Through the stored link (any state).</summary>
    Linked,

    /// <summary>Through our own pending-create marker: the record our create made, found after its answer was lost.</summary>
    Recognised,

    /// <summary>By the matching rules: contacts by e-mail, accounts by exact name.</summary>
    Matched,

    /// <summary>The app record carries the Salesforce id (a pre-link in the app, or a restore) but no link exists.</summary>
    Stamped,
}

/// <summary>Why a record cannot be paired safely; the decision reports it instead of writing anything.</summary>
internal enum Anomaly
{
    None,

    /// <summary>Two app records carry one Salesforce id, or the app record's salesforce_id is linked to another record.</summary>
    AmbiguousSalesforceId,

    /// <summary>An unlinked Salesforce contact's e-mail belongs to an app contact flagged sync_disabled.</summary>
    MatchesDisabled,

    /// <summary>An unlinked Salesforce contact's e-mail belongs to an app contact already linked to another Salesforce contact.</summary>
    DuplicateOfLinked,

    /// <summary>The record this one would pair with is being created or paired by another batch right now.</summary>
    Contended,
}

/// <summary>
/// One record as a reconcile round read it: the batch keys it answers, its stored link, both sides' current versions
/// (a Salesforce record may be flagged deleted, an app record may be a tombstone) and how the two were paired.
/// </summary>
/// <param name="Duplicates">Other records that matched as well as the chosen one (reported, never linked).</param>
/// <param name="Detail">What the anomaly is about, for the record's status.</param>
internal sealed record RecordView(
    IReadOnlyList<RecordKey> Keys,
    Link? Link,
    SalesforceId? SalesforceId,
    AppId? AppId,
    SalesforceRecord? Salesforce,
    AppRecord? App,
    Pairing Pairing,
    int Duplicates = 0,
    Anomaly Anomaly = Anomaly.None,
    string? Detail = null)
{
    public bool SalesforceAlive => Salesforce is { IsDeleted: false };

    public bool AppAlive => App is { Deleted: false };

    /// <summary>The link is our own pending-create marker.</summary>
    public bool IsMarker => Link?.State is LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp;

    /// <summary>
    /// The two records have been in step: an active link that was synced, or a marker whose create is known to have
    /// happened (its base holds the created values). Only such a pair is subject to the deletion rules.
    /// </summary>
    public bool WasSynced => Link switch
    {
        { State: LinkState.Active, LastSyncedAt: not null } => true,
        _ => Pairing == Pairing.Recognised,
    };

    /// <summary>
    /// The pair is new to this round although its link is stored: our own create recognised, or a pairing claimed by a
    /// round that died before storing what it agreed (an active link without a base). Whatever that round would have sent
    /// after the new pair — an account's contacts — is sent by this one. An imported pair never synced is new however
    /// much of a base a dead round's claim left on it; so is a pair linked since its batch was planned.
    /// </summary>
    public bool NewPair => Pairing == Pairing.Recognised || LinkedInThisBatch || Link is { State: LinkState.Active, Base: null } or { State: LinkState.Active, LastSyncedAt: null };

    /// <summary>The active link was stored since this record's batch was planned — perhaps by an earlier delivery of the
    /// batch that died before filing what follows a new pair — so the pair counts as new to this round.</summary>
    public bool LinkedInThisBatch { get; init; }

    /// <summary>The values both sides agreed on last, or the values our pending create wrote.</summary>
    public IReadOnlyDictionary<string, string?>? Base => Link switch
    {
        { State: LinkState.Active } link => link.Base,
        { State: LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp } marker when Pairing == Pairing.Recognised => marker.Base,
        _ => null,
    };
}
