namespace SfSync.Reconciling;

/// <summary>
/// What a reconcile round does with one record, one case per rule of the architecture brief §4–§6. The cases are
/// closed: <see cref="RecordDecision.For"/> picks exactly one for every record it is given.
/// </summary>
internal enum RecordCase
{
    /// <summary>The app record is flagged sync_disabled: nothing is written on either side.</summary>
    SyncDisabled,

    /// <summary>A record outside its entity's scope (docs/scope.md): nothing is written on either side, nothing deleted;
    /// a link is kept and marked, so the pair resumes when it is back in scope.</summary>
    OutOfScope,

    /// <summary>An unlinked Salesforce contact has the e-mail of an app contact flagged sync_disabled: it is not copied into the app.</summary>
    MatchesDisabled,

    /// <summary>Two app records carry this Salesforce id, or the app record's salesforce_id is linked to another app record:
    /// reported on every key, nothing merged.</summary>
    AmbiguousSalesforceId,

    /// <summary>An unlinked Salesforce contact has the e-mail of an app contact linked to another Salesforce contact:
    /// reported as a duplicate, not copied into the app.</summary>
    DuplicateOfLinked,

    /// <summary>An unlinked Salesforce contact shares its e-mail with another of the round that keeps it (paired, or
    /// created earlier) and <c>Sync:Duplicates</c> is Report: reported as a duplicate, not copied into the app.</summary>
    DuplicateInSalesforce,

    /// <summary>The record this one would pair with is being created by another batch: nothing is written, the record is
    /// read again next round (and reported as contended if that keeps happening).</summary>
    Contended,

    /// <summary>Both records exist (linked, just matched, or our own create recognised): merged field by field.</summary>
    Merge,

    /// <summary>A Salesforce record that was never synced and has no app counterpart: created in the app.</summary>
    CreateInApp,

    /// <summary>An app record that was never synced and has no Salesforce counterpart: created in Salesforce.</summary>
    CreateInSalesforce,

    /// <summary>An app record that would be created in Salesforce lacks a field Salesforce requires: it fails alone.</summary>
    MissingRequiredField,

    /// <summary>The app record of a synced pair is gone and the policy propagates: the Salesforce record is deleted.</summary>
    DeleteInSalesforce,

    /// <summary>The Salesforce record of a synced pair is gone and the policy propagates: the app record is deleted.</summary>
    DeleteInApp,

    /// <summary>The app record of a synced pair is gone and the policy keeps the Salesforce record: the link becomes a tombstone.</summary>
    KeepAfterAppDeletion,

    /// <summary>The Salesforce record of a synced pair is gone and the policy keeps the app record: the link becomes a tombstone.</summary>
    KeepAfterSalesforceDeletion,

    /// <summary>The app record was deleted under Keep and the Salesforce record changed since (or this is a full re-sync):
    /// the app record is created again, an account with its contacts.</summary>
    RecreateInApp,

    /// <summary>The Salesforce record was deleted under Keep and the app record changed since (or a full re-sync): created again in Salesforce.</summary>
    RecreateInSalesforce,

    /// <summary>A tombstone whose surviving record has not changed since the deletion: nothing to do.</summary>
    StayDeleted,

    /// <summary>Neither record exists any more: the link, tombstone or marker is removed.</summary>
    Forget,
}
