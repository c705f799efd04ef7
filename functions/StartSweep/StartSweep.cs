using SfSync.Functions.Invocation;
using SfSync.Sweeping;

namespace SfSync.Functions;

/// <summary>
/// POST /api/sync/sweep — start a drift sweep now ({"entities": ["Account"]}, body optional: all): 202 with the sweep's run
/// id once its first slice ran (the timer continues it); 409 problem naming the running sweep if one is running.
/// </summary>
internal sealed class StartSweep(DriftSweep sweep) : HttpFunction
{
    public override string Name => nameof(StartSweep);

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

        var outcome = await sweep.StartAsync(entities, cancellationToken);
        response.Logs.Add($"Sweep {outcome.RunId}: {outcome.Case}, {outcome.Calls} Salesforce calls, {outcome.Batches} batches.");
        if (outcome.Case == SweepCase.AlreadyRunning)
        {
            return HttpOutput.Problem(409, "A sweep is running", $"{outcome.Message} Follow it at /api/sync/runs/{outcome.RunId}; a new sweep can start once it is done.");
        }

        return HttpOutput.Json200(
            new { runId = outcome.RunId, statusUrl = $"/api/sync/runs/{outcome.RunId}", state = outcome.Case.ToString(), salesforceCalls = outcome.Calls, batches = outcome.Batches, message = outcome.Message },
            202,
            new Dictionary<string, string> { ["Location"] = $"/api/sync/runs/{outcome.RunId}" });
    }

    private sealed class Body
    {
        public List<string>? Entities { get; set; }
    }
}
