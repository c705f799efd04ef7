using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;
using SfSync.Model;

namespace SfSync.Http;

/// <summary>
/// One call to a side through Refit: its content, or <see cref="SideUnavailableException"/> with a reason an operator can
/// act on (the status and the side's own error, never the request, which may hold record data).
/// </summary>
internal static class SideCall
{
    public static async Task<T> ContentAsync<T>(Side side, Func<Task<IApiResponse<T>>> call, string what, Func<IApiResponse, string> describe)
    {
        IApiResponse<T> response;
        try
        {
            response = await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransport(ex))
        {
            throw new SideUnavailableException(side, $"could not {what}: {ex.Message}", ex) { Problem = TransportProblem.Of(ex) };
        }

        using (response)
        {
            if (response.Error?.InnerException is SideUnavailableException inner)
            {
                throw inner; // raised inside the pipeline, e.g. a session that could not be obtained
            }

            if (!response.IsSuccessStatusCode || response.Content is null)
            {
                var problem = ProblemOf(response, describe) ?? new SideProblem(ConnectionProblem.ErrorAnswer, describe(response));
                throw new SideUnavailableException(side, $"could not {what}: {problem.Detail}", response.Error) { Problem = problem.Kind };
            }

            return response.Content;
        }
    }

    /// <summary>
    /// A health probe: null when the side answered with success, else what stopped it — the session that could not be
    /// had, the connection that failed or timed out, or the error status the side answered.
    /// </summary>
    public static async Task<SideProblem?> ProbeAsync(Func<Task<IApiResponse>> call, Func<IApiResponse, string> describe)
    {
        try
        {
            using var response = await call().ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : ProblemOf(response, describe) ?? new SideProblem(ConnectionProblem.ErrorAnswer, describe(response));
        }
        catch (SideUnavailableException ex)
        {
            return new SideProblem(ex.Problem, ex.Reason);
        }
        catch (Exception ex) when (IsTransport(ex))
        {
            return new SideProblem(TransportProblem.Of(ex), ex.Message);
        }
    }

    /// <summary>A failed answer that is no answer at all: Refit hands over what the pipeline threw as the error's inner exception.</summary>
    private static SideProblem? ProblemOf(IApiResponse response, Func<IApiResponse, string> describe) => response.Error?.InnerException switch
    {
        SideUnavailableException inner => new SideProblem(inner.Problem, inner.Reason),
        { } inner when response.StatusCode is null && IsTransport(inner) => new SideProblem(TransportProblem.Of(inner), inner.Message.Split('\n')[0]),
        _ => null,
    };

    /// <summary>Failures of the call itself, left over after the resilience pipeline's retries.</summary>
    public static bool IsTransport(Exception ex) =>
        ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or ApiException or JsonException
        || (ex is TaskCanceledException tce && tce.InnerException is TimeoutException);
}
