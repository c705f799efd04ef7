using SfSync.Model;

namespace SfSync.State;

/// <summary>
/// The cursors of one entity. <see cref="Planned"/> is where the next plan reads from: everything before it is
/// in the outbox. <see cref="Committed"/> is the trusted position: every batch planned before it has been applied.
/// When the outbox no longer holds a plan between the two (lost or expired), planning falls back to Committed.
/// </summary>
/// <param name="PlannedBy">The plan that moved <see cref="Planned"/> last; null in rows written before plans were chained.</param>
internal sealed record CursorState(EntityKind Entity, FeedPosition Planned, FeedPosition Committed, long PlanSequence, string? ETag = null, string? PlannedBy = null)
{
    public static CursorState Initial(EntityKind entity) => new(entity, FeedPosition.Start, FeedPosition.Start, 0);
}

internal interface ICursorStore
{
    Task<CursorState?> GetAsync(EntityKind entity, CancellationToken cancellationToken = default);

    /// <summary>Saves under the state's ETag (insert when null); false when another writer won.</summary>
    Task<bool> TrySaveAsync(CursorState state, CancellationToken cancellationToken = default);
}
