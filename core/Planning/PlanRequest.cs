using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Runs;

namespace SfSync.Planning;

/// <summary>A request to plan a sync run. <see cref="Full"/> reads both feeds from the start and re-creates what the deletion policy kept.</summary>
public sealed record PlanRequest(string RunId, RunTrigger Trigger, IReadOnlyList<EntityKind> Entities, bool Full = false);

/// <summary>What a planner run produced: the messages to send (new batches and batches due again) and why it stopped, if it did.</summary>
public sealed record PlanOutcome(string RunId, IReadOnlyList<SyncBatch> Messages, int NewBatches, int NewKeys, int ResentBatches, string? PausedReason)
{
    public bool Paused => PausedReason is not null;
}
