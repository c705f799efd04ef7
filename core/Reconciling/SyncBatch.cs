using SfSync.Model;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// One unit of work on the queue: at most 200 keys of one entity. It carries its own ids in the body, so
/// applying it never depends on message properties (those are for operators). <see cref="Full"/> marks a full
/// re-sync, which re-creates records the deletion policy kept on one side even if they did not change.
/// <see cref="Attempt"/> is the send attempt (see <c>BatchMessageId</c>).
/// </summary>
internal sealed record SyncBatch(string BatchId, string PlanId, string RunId, EntityKind Entity, IReadOnlyList<RecordKey> Keys, bool Full, int Attempt)
{
    /// <summary>The message for a batch as the outbox holds it now.</summary>
    public static SyncBatch From(PlannedBatch batch) =>
        new(batch.BatchId, batch.PlanId, batch.RunId, batch.Entity, batch.Keys, batch.Full, batch.Attempts);
}
