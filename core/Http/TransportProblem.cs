using Polly.CircuitBreaker;
using Polly.Timeout;

namespace SfSync.Http;

/// <summary>What a call that got no answer ran into: no connection at all, or no answer in time.</summary>
internal static class TransportProblem
{
    public static ConnectionProblem Of(Exception ex) => ex switch
    {
        TimeoutRejectedException => ConnectionProblem.TimedOut,
        TaskCanceledException { InnerException: TimeoutException } => ConnectionProblem.TimedOut,
        HttpRequestException { InnerException: TimeoutRejectedException or TimeoutException } => ConnectionProblem.TimedOut,
        HttpRequestException or BrokenCircuitException => ConnectionProblem.Unreachable,
        Refit.ApiException { InnerException: { } inner } => Of(inner),
        { InnerException: { } inner } when inner is HttpRequestException or TimeoutRejectedException or TaskCanceledException or BrokenCircuitException => Of(inner),
        _ => ConnectionProblem.ErrorAnswer,
    };
}
