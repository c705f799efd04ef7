using SfSync.Functions.Invocation;
using SfSync.Functions.Telemetry;
using SfSync.Planning;
using SfSync.Runs;

namespace SfSync.Functions;

/// <summary>POST /api/sync — start a sync now ({"entities": ["Account"], "full": false}); 202 with the run id and where to follow it.</summary>
internal class StartSync(Planner planner, TimeProvider time, ILogger<StartSync> logger) : HttpFunction
{
    public override string Name => nameof(StartSync);

    protected virtual RunTrigger Trigger => RunTrigger.Http;

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var body = ReadBody<Body>(request);
        IReadOnlyList<Model.EntityKind> entities;
        try
        {
            entities = EntityInput.Parse(body.Entities);
        }
        catch (ArgumentException ex)
        {
            throw new BadInputException(ex.Message);
        }

        var runId = RunId.New(time);
        var plan = await RunPlan.PlanAsync(planner, logger, new PlanRequest(runId, Trigger, entities, body.Full || Trigger == RunTrigger.Resync), cancellationToken);
        response.Logs.Add(Bindings.Summary(plan));
        return HttpOutput.Json200(
            new { runId, statusUrl = $"/api/sync/runs/{runId}", batches = plan.NewBatches, records = plan.NewKeys, resent = plan.ResentBatches, paused = plan.PausedReason, notSent = plan.SendError },
            202,
            new Dictionary<string, string> { ["Location"] = $"/api/sync/runs/{runId}" });
    }

    private sealed class Body
    {
        public List<string>? Entities { get; set; }

        public bool Full { get; set; }
    }
}
