using SfSync.Merge;
using SfSync.Model;

namespace SfSync.Reconciling;

/// <summary>The result of reconciling one record: what happened on each side, with the ids as they ended up.</summary>
/// <param name="Warning">A note that is not a failure, such as a duplicate e-mail that was linked to the earliest record.</param>
/// <param name="NotFound">Neither side has the record, not even deleted, and nothing of it was ever synced: a key that
/// names no record (single-record sync answers 404 for it).</param>
internal sealed record RecordOutcome(
    EntityKind Entity,
    SalesforceId? SalesforceId,
    AppId? AppId,
    SideOutcome Salesforce,
    SideOutcome App,
    IReadOnlyList<FieldConflict> Conflicts,
    int BlanksFilled,
    string? Warning = null,
    bool NotFound = false)
{
    public bool Failed => Salesforce.Kind == OutcomeKind.Failed || App.Kind == OutcomeKind.Failed;

    /// <summary>The outcome of a decision as the writer carried it out: a failed write replaces what the decision
    /// intended for that side, and a side that was never written because the other failed says so.</summary>
    internal static RecordOutcome From(EntityKind entity, RecordDecision decision, RecordReport report)
    {
        var salesforce = decision.Salesforce;
        var app = decision.App;
        if (report.Salesforce is { Success: false } refused)
        {
            salesforce = SideOutcome.Failed(new SyncErrorCode(refused.ErrorCode ?? SyncErrorCode.WriteRejected.Value), refused.Message ?? "Salesforce rejected the write.");
            app = decision.AppAction is AppAction.None or AppAction.StampSalesforceId
                ? app
                : SideOutcome.Skipped(SyncErrorCode.NotAttempted, "Not written: the Salesforce write failed.");
        }

        if (report.App is { Success: false } rejected)
        {
            app = SideOutcome.Failed(new SyncErrorCode(rejected.ErrorCode ?? SyncErrorCode.WriteRejected.Value), rejected.Message ?? "The app rejected the write.");
        }

        var view = decision.View;
        return new RecordOutcome(
            entity,
            report.CreatedSalesforceId ?? view.SalesforceId,
            report.CreatedAppId ?? view.AppId,
            salesforce,
            app,
            report.SalesforceFailed ? [] : decision.Conflicts,
            report.SalesforceFailed || report.AppFailed ? 0 : decision.BlanksFilled,
            decision.Warning,
            NotFound: view.Salesforce is null && view.App is null && view.Link is null);
    }

    /// <summary>A record that kept losing races with other batches: reported, and reconciled again later from fresh state.</summary>
    internal static RecordOutcome Contended(EntityKind entity, RecordView view)
    {
        var skipped = SideOutcome.Skipped(SyncErrorCode.ConcurrentUpdate, "Another batch kept updating this record; it will be reconciled again.");
        return new RecordOutcome(entity, view.SalesforceId, view.AppId, skipped, skipped, [], 0);
    }
}
