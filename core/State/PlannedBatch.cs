using SfSync.Model;

namespace SfSync.State;

public enum BatchStatus
{
    /// <summary>Handed to the queue; not yet applied.</summary>
    Pending,

    /// <summary>Applied (every record has an outcome, failures included).</summary>
    Done,

    /// <summary>
    /// Waiting for <see cref="PlannedBatch.NextAttemptAt"/>: a side was unavailable, or a follow-up. When
    /// <see cref="PlannedBatch.Scheduled"/> its message is already on the queue for that time; otherwise the planner
    /// sends it once it is due.
    /// </summary>
    Deferred,
}

/// <summary>One batch in the outbox: the keys it carries and where it stands.</summary>
/// <param name="Attempts">Send attempts so far; the message of the latest carries this number (see <c>BatchMessageId</c>).</param>
/// <param name="EnqueuedAt">When the latest attempt was sent; a pending batch not done a stall timeout later is sent again.</param>
/// <param name="Scheduled">A deferred batch whose message waits on the queue for <see cref="NextAttemptAt"/>: the planner
/// sends it again only if it is still not done a stall timeout after that (the queue lost it).</param>
internal sealed record PlannedBatch(
    string PlanId,
    string BatchId,
    string RunId,
    EntityKind Entity,
    IReadOnlyList<RecordKey> Keys,
    bool Full,
    BatchStatus Status,
    int Attempts,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? NextAttemptAt,
    string? LastReason,
    string? ETag = null,
    bool Scheduled = false);

/// <summary>
/// A planner run's output for one entity. <see cref="PositionAfter"/> is null for plans that carry no feed
/// position (follow-ups, single-record syncs, re-queued keys) and so never hold a cursor back.
/// </summary>
/// <param name="Predecessor">The plan whose position this one read from (the cursor's <see cref="CursorState.PlannedBy"/>
/// when it was planned): the plans that won the cursor form a chain back from the cursor; any other is another
/// planner's that lost the race for it.</param>
internal sealed record Plan(
    string PlanId,
    string RunId,
    EntityKind Entity,
    long Sequence,
    DateTimeOffset CreatedAt,
    int BatchCount,
    FeedPosition? PositionAfter,
    string? ETag = null,
    string? Predecessor = null);
