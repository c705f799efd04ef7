using SfSync.Merge;
using SfSync.Model;

namespace SfSync.Reconciling;

/// <summary>The result of reconciling one record: what happened on each side, with the ids as they ended up.</summary>
/// <param name="Warning">A note that is not a failure, such as a duplicate e-mail that was linked to the earliest record.</param>
public sealed record RecordOutcome(
    EntityKind Entity,
    SalesforceId? SalesforceId,
    AppId? AppId,
    SideOutcome Salesforce,
    SideOutcome App,
    IReadOnlyList<FieldConflict> Conflicts,
    int BlanksFilled,
    string? Warning = null)
{
    public bool Failed => Salesforce.Kind == OutcomeKind.Failed || App.Kind == OutcomeKind.Failed;
}
