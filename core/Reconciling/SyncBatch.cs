using SfSync.Model;

namespace SfSync.Reconciling;

/// <summary>
/// One unit of work on the queue: at most 200 keys of one entity. It carries its own ids because a custom
/// handler cannot set the Service Bus MessageId. <see cref="Full"/> marks a full re-sync, which re-creates
/// records the deletion policy kept on one side even if they did not change.
/// </summary>
public sealed record SyncBatch(string BatchId, string PlanId, string RunId, EntityKind Entity, IReadOnlyList<RecordKey> Keys, bool Full, int Attempt);
