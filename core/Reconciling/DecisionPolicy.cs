using SfSync.Deletion;
using SfSync.Mapping;

namespace SfSync.Reconciling;

/// <summary>The configuration a decision depends on, so that <see cref="RecordDecision.For"/> needs nothing else.</summary>
/// <param name="Deletion">The entity's own deletion policy.</param>
/// <param name="CustomerDeletedInApp">What a customer deletion in the app does; a contact deleted with its customer follows it.</param>
internal sealed record DecisionPolicy(
    EntityMap Map,
    EntityDeletionOptions Deletion,
    DeletionAction CustomerDeletedInApp,
    string? DefaultAccountOwnerId,
    Linking.DuplicateHandling Duplicates = Linking.DuplicateHandling.Report)
{
    /// <summary>Which records of the entity are synced; every record when not set.</summary>
    public Scope.EntityScope? Scope { get; init; }
}
