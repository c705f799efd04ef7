using SfSync.Model;
using SfSync.Reconciling;

namespace SfSync.Functions;

internal static partial class ApplyBatchLog
{
    /// <summary>
    /// One line per record a batch wrote or skipped (failures have their own RecordFailed line, unchanged records none):
    /// a record's history in the portal is a query on its Salesforce or app id.
    /// </summary>
    public static void Records(ILogger logger, BatchApplyResult result)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        foreach (var o in result.Outcomes)
        {
            if (!o.Failed && (o.Salesforce.Kind != OutcomeKind.Unchanged || o.App.Kind != OutcomeKind.Unchanged))
            {
                RecordSynced(logger, o.Entity, o.SalesforceId?.Value ?? "", o.AppId?.Value ?? "", o.Salesforce, o.App, o.Conflicts.Count, o.BlanksFilled);
            }
        }
    }

    [LoggerMessage(EventId = 6201, EventName = "RecordSynced", Level = LogLevel.Information,
        Message = "{Entity} record sf:{SalesforceId} app:{AppId}: Salesforce {SalesforceOutcome}, app {AppOutcome}, {Conflicts} conflicts resolved for Salesforce, {BlanksFilled} blanks filled")]
    private static partial void RecordSynced(ILogger logger, EntityKind entity, string salesforceId, string appId, SideOutcome salesforceOutcome, SideOutcome appOutcome, int conflicts, int blanksFilled);
}
