using SfSync.App.Http;
using SfSync.Functions.Invocation;
using SfSync.Planning;
using SfSync.Salesforce.Rest;
using SfSync.State.Tables;

namespace SfSync.Functions;

/// <summary>GET /api/health — Salesforce auth and API usage, the app, the state store; 503 with the reason when something is broken.</summary>
internal sealed class Health(SalesforceRecordsClient salesforce, AppApiClient app, StateTables state, Microsoft.Extensions.Options.IOptions<PlanningOptions> planning) : HttpFunction
{
    public override string Name => nameof(Health);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var salesforceProblem = await salesforce.ProblemAsync(cancellationToken);
        var appProblem = await app.ProblemAsync(cancellationToken);
        string? stateProblem = null;
        try
        {
            await state.PingAsync(cancellationToken);
        }
        catch (Azure.RequestFailedException ex)
        {
            stateProblem = $"{ex.Status} {ex.ErrorCode}";
        }
        catch (HttpRequestException ex)
        {
            stateProblem = ex.Message;
        }

        var usage = salesforce.LastUsage;
        var usageProblem = usage is not null && usage.Share >= planning.Value.PauseAtApiUsageShare
            ? $"API usage {usage.Used}/{usage.DailyMax} is above the pause threshold; planning is paused."
            : null;
        var healthy = salesforceProblem is null && appProblem is null && stateProblem is null;
        return HttpOutput.Json200(
            new
            {
                status = healthy ? (usageProblem is null ? "Healthy" : "Degraded") : "Unhealthy",
                salesforce = new { ok = salesforceProblem is null, problem = salesforceProblem, apiUsage = usage is null ? null : new { used = usage.Used, dailyMax = usage.DailyMax, share = usage.Share }, note = usageProblem },
                app = new { ok = appProblem is null, problem = appProblem },
                storage = new { ok = stateProblem is null, problem = stateProblem },
            },
            healthy ? 200 : 503);
    }
}
