namespace SfSync.Queue;

/// <summary>What a replay does with one dead-lettered message.</summary>
public enum ReplayCase
{
    /// <summary>The outbox holds the batch unfinished: it is recorded as sent again, sent, and the message removed.</summary>
    Resend,

    /// <summary>The outbox holds the batch as done (the stall re-send or another delivery applied it): the message is removed.</summary>
    AlreadyApplied,

    /// <summary>The batch's plan is closed, which happens only once all its batches are done: the message is removed.</summary>
    PlanClosed,

    /// <summary>The body is not a sync batch: nothing could replay it, so it stays for the operator to read.</summary>
    NotABatch,
}
