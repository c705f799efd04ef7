using SfSync.Runs;

namespace SfSync.Functions.Invocation;

/// <summary>A run as the HTTP API shows it (the History grid's columns).</summary>
internal static class RunView
{
    public static object From(SyncRun run) => new
    {
        runId = run.RunId,
        trigger = run.Trigger.ToString(),
        status = run.Status.ToString(),
        startedAt = run.StartedAt,
        endedAt = run.EndedAt,
        batchesPlanned = run.BatchesPlanned,
        batchesDone = run.BatchesDone,
        salesforce = run.Totals.Salesforce,
        app = run.Totals.App,
        conflictsResolvedForSalesforce = run.Totals.Conflicts,
        blanksFilled = run.Totals.BlanksFilled,
        duplicates = run.Totals.Duplicates,
        outOfScope = run.Totals.OutOfScope,
        errors = run.Totals.Errors,
        message = run.Message,
    };
}
