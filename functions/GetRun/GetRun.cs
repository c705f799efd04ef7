using SfSync.Functions.Invocation;
using SfSync.Runs;

namespace SfSync.Functions;

/// <summary>GET /api/sync/runs/{runId} — one run: status, batches, per-side counts, errors.</summary>
internal sealed class GetRun(IRunHistory history) : HttpFunction
{
    public override string Name => nameof(GetRun);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var runId = request.Params.GetValueOrDefault("runId");
        if (string.IsNullOrWhiteSpace(runId) || runId.Length > 100)
        {
            throw new BadInputException("runId is missing.");
        }

        return await history.GetAsync(runId, cancellationToken) is { } run
            ? HttpOutput.Json200(RunView.From(run))
            : HttpOutput.Problem(404, "Run not found", $"No run '{runId}' (runs older than the retention are removed).");
    }
}
