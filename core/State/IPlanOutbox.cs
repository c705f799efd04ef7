using SfSync.Model;

namespace SfSync.State;

/// <summary>The outbox: planned batches are written here before they are sent, and marked as they are applied.</summary>
internal interface IPlanOutbox
{
    /// <summary>Stores a plan and its batches (all <see cref="BatchStatus.Pending"/> or deferred follow-ups).</summary>
    Task SaveAsync(Plan plan, IReadOnlyList<PlannedBatch> batches, CancellationToken cancellationToken = default);

    /// <summary>Plans of the entity not yet closed, in sequence order.</summary>
    Task<IReadOnlyList<Plan>> GetOpenPlansAsync(EntityKind entity, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PlannedBatch>> GetBatchesAsync(string planId, CancellationToken cancellationToken = default);

    Task<PlannedBatch?> GetBatchAsync(string planId, string batchId, CancellationToken cancellationToken = default);

    /// <summary>Replaces a batch under its ETag; false when another writer won.</summary>
    Task<bool> TryUpdateBatchAsync(PlannedBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Removes a plan whose batches are all done and whose position has been committed.</summary>
    Task CloseAsync(Plan plan, CancellationToken cancellationToken = default);
}
