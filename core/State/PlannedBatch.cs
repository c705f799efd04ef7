using SfSync.Model;

namespace SfSync.State;

public enum BatchStatus
{
    /// <summary>Handed to the queue; not yet applied.</summary>
    Pending,

    /// <summary>Applied (every record has an outcome, failures included).</summary>
    Done,

    /// <summary>A side was unavailable; the planner re-enqueues it at <see cref="PlannedBatch.NextAttemptAt"/>.</summary>
    Deferred,
}

/// <summary>One batch in the outbox: the keys it carries and where it stands.</summary>
public sealed record PlannedBatch(
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
    string? ETag = null);

/// <summary>
/// A planner run's output for one entity. <see cref="PositionAfter"/> is null for plans that carry no feed
/// position (follow-ups, single-record syncs, re-queued keys) and so never hold a cursor back.
/// </summary>
/// <param name="Predecessor">The plan whose position this one read from (the cursor's <see cref="CursorState.PlannedBy"/>
/// when it was planned): the plans that won the cursor form a chain back from the cursor; any other is another
/// planner's that lost the race for it.</param>
public sealed record Plan(
    string PlanId,
    string RunId,
    EntityKind Entity,
    long Sequence,
    DateTimeOffset CreatedAt,
    int BatchCount,
    FeedPosition? PositionAfter,
    string? ETag = null,
    string? Predecessor = null);
