using SfSync.Planning;
using SfSync.Telemetry;

namespace SfSync.Functions.Telemetry;

/// <summary>Plans a run inside the invocation's span and a scope naming the run, and counts it by trigger and outcome.</summary>
internal static class RunPlan
{
    public static async Task<PlanOutcome> PlanAsync(Planner planner, ILogger logger, PlanRequest request, CancellationToken cancellationToken)
    {
        var dimensions = new Dictionary<string, object?> { [Dimensions.RunId] = request.RunId, [Dimensions.Trigger] = request.Trigger.ToString() };
        Span.Tag(dimensions);
        using var scope = logger.BeginScope(dimensions);
        PlanOutcome plan;
        try
        {
            plan = await planner.PlanAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SyncMetrics.Run(request.Trigger.ToString(), nameof(RunOutcomeKind.Failed));
            throw;
        }

        var outcome = RunOutcome.Of(plan).ToString();
        SyncMetrics.Run(request.Trigger.ToString(), outcome);
        System.Diagnostics.Activity.Current?.SetTag(Dimensions.Outcome, outcome);
        return plan;
    }
}
