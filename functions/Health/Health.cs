using SfSync.App.Http;
using SfSync.Functions.Invocation;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Salesforce.Rest;
using SfSync.State.Tables;

namespace SfSync.Functions;

/// <summary>
/// GET /api/health — Salesforce auth and API usage, the app, the state store, the queue and its dead-letter depth;
/// 503 with the reason when something is broken, Degraded while planning is paused or messages are dead-lettered.
/// </summary>
internal sealed class Health(SalesforceRecordsClient salesforce, AppApiClient app, StateTables state, IDeadLetterQueue deadLetters, Microsoft.Extensions.Options.IOptions<PlanningOptions> planning) : HttpFunction
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
        catch (Exception ex) when (StoreUnavailable.Is(ex) || ex is HttpRequestException)
        {
            stateProblem = StoreUnavailable.Reason(ex);
        }

        DeadLetterListing? deadLettered = null;
        string? queueProblem = null;
        try
        {
            deadLettered = await deadLetters.PeekAsync(0, ListDeadLetters.ScanLimit, cancellationToken);
        }
        catch (QueueUnavailableException ex)
        {
            queueProblem = ex.Message;
        }

        var usage = salesforce.LastUsage;
        var usageProblem = usage is not null && usage.Share >= planning.Value.PauseAtApiUsageShare
            ? $"API usage {usage.Used}/{usage.DailyMax} is above the pause threshold; planning is paused."
            : null;
        var deadLetterNote = deadLettered is { Depth: > 0 } d
            ? $"{d.Depth}{(d.DepthIsLowerBound ? "+" : "")} messages in the dead-letter queue: GET /api/sync/deadletters lists them, POST /api/sync/deadletters/replay sends them again."
            : null;
        var healthy = salesforceProblem is null && appProblem is null && stateProblem is null && queueProblem is null;
        return HttpOutput.Json200(
            new
            {
                status = healthy ? (usageProblem is null && deadLetterNote is null ? "Healthy" : "Degraded") : "Unhealthy",
                salesforce = new { ok = salesforceProblem is null, problem = salesforceProblem, apiUsage = usage is null ? null : new { used = usage.Used, dailyMax = usage.DailyMax, share = usage.Share }, note = usageProblem },
                app = new { ok = appProblem is null, problem = appProblem },
                storage = new { ok = stateProblem is null, problem = stateProblem },
                queue = new { ok = queueProblem is null, problem = queueProblem, deadLetters = deadLettered?.Depth, deadLettersIsLowerBound = deadLettered?.DepthIsLowerBound, note = deadLetterNote },
            },
            healthy ? 200 : 503);
    }
}
