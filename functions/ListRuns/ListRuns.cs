using System.Globalization;
using SfSync.Functions.Invocation;
using SfSync.Runs;

namespace SfSync.Functions;

/// <summary>GET /api/sync/runs?max=50 — the History grid, newest first.</summary>
internal sealed class ListRuns(IRunHistory history) : HttpFunction
{
    public override string Name => nameof(ListRuns);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var max = 50;
        if (request.Query.TryGetValue("max", out var text) && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > 500))
        {
            throw new BadInputException("max must be a whole number from 1 to 500.");
        }

        var runs = await history.ListAsync(max, cancellationToken);
        return HttpOutput.Json200(new { runs = runs.Select(RunView.From) });
    }
}
