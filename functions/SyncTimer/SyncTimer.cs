using SfSync.Functions.Invocation;
using SfSync.Functions.Telemetry;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Runs;
using SfSync.State;
using SfSync.Telemetry;

namespace SfSync.Functions;

/// <summary>
/// Every 5 minutes (%SyncSchedule%): plan a run; the planner sends its batches to sync-batches. Then the gauges only a
/// look at the queue and the outbox can give: dead-letter depth and planner lag.
/// </summary>
internal sealed partial class SyncTimer(Planner planner, IDeadLetterQueue deadLetters, IPlanOutbox outbox, TimeProvider time, ILogger<SyncTimer> logger) : IFunction
{
    public string Name => nameof(SyncTimer);

    public async Task RunAsync(InvocationRequest request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var runId = RunId.New(time);
        var plan = await RunPlan.PlanAsync(planner, logger, new PlanRequest(runId, RunTrigger.Timer, EntityKindNames.All), cancellationToken);
        response.Logs.Add(Bindings.Summary(plan));
        try
        {
            SyncMetrics.DeadLetters((await deadLetters.PeekAsync(0, ListDeadLetters.ScanLimit, cancellationToken)).Depth);
            await PlannerLag.MeasureAsync(outbox, EntityKindNames.All, time.GetUtcNow(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GaugesNotRead(logger, ex.GetType().Name, ex.Message.Split('\n')[0]);
        }
    }

    [LoggerMessage(EventId = 6101, EventName = "GaugesNotRead", Level = LogLevel.Warning, Message = "Dead-letter depth and planner lag were not measured: {Error}: {Reason}")]
    private static partial void GaugesNotRead(ILogger logger, string error, string reason);
}
