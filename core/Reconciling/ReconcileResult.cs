using SfSync.Model;

namespace SfSync.Reconciling;

/// <summary>A key to reconcile again later: a contact whose parent is not linked yet, or the contacts of a re-created account.</summary>
internal sealed record FollowUp(EntityKind Entity, RecordKey Key, bool Full);

internal sealed record ReconcileResult(IReadOnlyList<RecordOutcome> Outcomes, IReadOnlyList<FollowUp> FollowUps)
{
    public BatchSummary Summary => BatchSummary.Of(Outcomes);
}
