using SfSync.Functions.Invocation;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Runs;

namespace SfSync.Functions;

/// <summary>Every 5 minutes (%SyncSchedule%): plan a run; the planner sends its batches to sync-batches.</summary>
internal sealed class SyncTimer(Planner planner, TimeProvider time) : IFunction
{
    public string Name => nameof(SyncTimer);

    public async Task RunAsync(InvocationRequest request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var runId = RunId.New(time);
        var plan = await planner.PlanAsync(new PlanRequest(runId, RunTrigger.Timer, EntityKindNames.All), cancellationToken);
        response.Logs.Add(Bindings.Summary(plan));
    }
}
