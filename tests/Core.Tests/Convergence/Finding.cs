namespace SfSync.Tests.Convergence;

/// <summary>What the oracle (or the harness) found wrong in one scenario. One class per broken promise.</summary>
internal enum FindingKind
{
    /// <summary>A logical record has more than one live record on one side: created twice.</summary>
    DuplicateRecord,

    /// <summary>A converged field's value is none a serialization of the spec can produce: a person's write was lost.</summary>
    LostEdit,

    /// <summary>A converged field is blank although the spec fills it (a blank overwrote a value).</summary>
    BlankOverwrote,

    /// <summary>A linked pair differs on a mapped field after quiescence.</summary>
    PairNotEqual,

    /// <summary>A contact's AccountId and its app customer are different logical accounts (both linked).</summary>
    ParentMismatch,

    /// <summary>A contact's converged account is none a serialization of people's moves can produce.</summary>
    LostMove,

    /// <summary>A logical record has one record on each side but they are not linked (link store, or the app's salesforce_id).</summary>
    NotLinked,

    /// <summary>A link joins records of two different logical records.</summary>
    WrongLink,

    /// <summary>Two links share an id.</summary>
    DuplicateLink,

    /// <summary>An app record carries the Salesforce id of another logical record's record, or one linked to another app record.</summary>
    ForeignSalesforceId,

    /// <summary>A record that exists on one side was never copied to the other.</summary>
    NotCopied,

    /// <summary>The engine deleted a record the deletion policy keeps.</summary>
    WrongDeletion,

    /// <summary>A deletion the policy propagates was not propagated: the other side's original record survives.</summary>
    DeletionNotPropagated,

    /// <summary>A deleted logical record came back as a new record.</summary>
    Resurrected,

    /// <summary>A customer deleted in the app was not re-created although its account changed later or a full re-sync ran.</summary>
    NotRecreated,

    /// <summary>A sync_disabled app record (or its matching Salesforce contact) was written or copied by the engine.</summary>
    DisabledRecordTouched,

    /// <summary>The engine created a record that copies no known record.</summary>
    OrphanRecord,

    /// <summary>A record stayed unsynced after a transient per-record rejection that was never retried.</summary>
    FailureNotRetried,

    /// <summary>A record stayed unsynced because no reconcile read it after a person's last change: the change was skipped (§6.1).</summary>
    SkippedChange,

    /// <summary>A key of an applied batch got no RecordOutcome.</summary>
    NoOutcome,

    /// <summary>After heal, timer runs and queue drains did not reach a run that plans nothing.</summary>
    NotQuiescent,

    /// <summary>Planning stayed paused for the API budget after usage dropped.</summary>
    StuckPaused,

    /// <summary>The run after convergence planned something.</summary>
    IdleRunPlanned,

    /// <summary>The run after convergence made other than one Salesforce call.</summary>
    IdleRunCost,

    /// <summary>The run after convergence wrote state other than its run-history row.</summary>
    IdleRunWrites,

    /// <summary>A message was dead-lettered and its batch was never applied.</summary>
    DeadLettered,

    /// <summary>The same seed gave two different traces, or a continuation left the scheduler thread.</summary>
    Nondeterministic,

    /// <summary>An engine entry point threw something other than a simulated crash or storage error.</summary>
    EngineCrash,
}

internal sealed record Finding(FindingKind Kind, string Detail)
{
    public override string ToString() => $"{Kind}: {Detail}";
}
