using Microsoft.Extensions.Options;
using SfSync.App.Http;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Salesforce.Rest;
using SfSync.State.Tables;

namespace SfSync.Health;

/// <summary>Probes every part the sync depends on — one cheap call each — and reports what it found.</summary>
internal sealed class HealthCheck(SalesforceRecordsClient salesforce, AppApiClient app, StateTables state, IDeadLetterQueue deadLetters, IOptions<PlanningOptions> planning)
{
    /// <summary>How many dead-lettered messages the depth counts before it says "at least".</summary>
    public const int DeadLetterScanLimit = 5000;

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        var salesforceProblem = await salesforce.ProblemAsync(cancellationToken).ConfigureAwait(false);
        var appProblem = await app.ProblemAsync(cancellationToken).ConfigureAwait(false);
        SideProblem? stateProblem = null;
        try
        {
            await state.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreUnavailable.Is(ex) || ex is HttpRequestException)
        {
            stateProblem = new SideProblem(ex is Azure.RequestFailedException { Status: > 0 } ? ConnectionProblem.ErrorAnswer : ConnectionProblem.Unreachable, StoreUnavailable.Reason(ex));
        }

        DeadLetterListing? deadLettered = null;
        SideProblem? queueProblem = null;
        try
        {
            deadLettered = await deadLetters.PeekAsync(0, DeadLetterScanLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (QueueUnavailableException ex)
        {
            queueProblem = new SideProblem(ConnectionProblem.Unreachable, ex.Message);
        }

        return HealthReport.Of(salesforceProblem, salesforce.LastUsage, planning.Value.PauseAtApiUsageShare, appProblem, stateProblem, queueProblem, deadLettered);
    }
}
