using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Runs;

namespace SfSync.Planning;

/// <summary>A request to plan a sync run. <see cref="Full"/> reads both feeds from the start and re-creates what the deletion policy kept.</summary>
internal sealed record PlanRequest(string RunId, RunTrigger Trigger, IReadOnlyList<EntityKind> Entities, bool Full = false)
{
    /// <summary>Entities read from the start although the request is not full (their scope changed); their batches
    /// are ordinary ones, so deletions the policy kept are not re-created by this.</summary>
    public IReadOnlySet<EntityKind> FullFor { get; init; } = new HashSet<EntityKind>();

    public bool IsFull(EntityKind entity) => Full || FullFor.Contains(entity);
}

/// <summary>
/// What a planner run produced: the messages it sent (new batches and batches due again), why it stopped if it did,
/// and why the queue did not take them if it did not (<see cref="SendError"/>; they are in the outbox all the same).
/// </summary>
internal sealed record PlanOutcome(string RunId, IReadOnlyList<SyncBatch> Messages, int NewBatches, int NewKeys, int ResentBatches, string? PausedReason, string? SendError = null)
{
    public bool Paused => PausedReason is not null;
}
