using SfSync.Functions.Invocation;
using SfSync.Sweeping;

namespace SfSync.Functions;

/// <summary>
/// Every %SweepSchedule% tick (15 minutes by default): continues the running drift sweep by one slice, or starts one when
/// the last started <c>Sync:Sweep:StartEvery</c> (a day) ago. An idle tick reads one table row and calls no side.
/// </summary>
internal sealed class SweepTimer(DriftSweep sweep) : IFunction
{
    public string Name => nameof(SweepTimer);

    public async Task RunAsync(InvocationRequest request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var outcome = await sweep.TickAsync(cancellationToken);
        response.Logs.Add($"Sweep {outcome.RunId ?? "(none)"}: {outcome.Case}, {outcome.Calls} Salesforce calls, {outcome.Batches} batches. {outcome.Message}".TrimEnd());
    }
}
