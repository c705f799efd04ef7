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
public static class SideCall
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
            throw new SideUnavailableException(side, $"could not {what}: {ex.Message}", ex);
        }

        using (response)
        {
            if (response.Error?.InnerException is SideUnavailableException inner)
            {
                throw inner; // raised inside the pipeline, e.g. a session that could not be obtained
            }

            if (!response.IsSuccessStatusCode || response.Content is null)
            {
                throw new SideUnavailableException(side, $"could not {what}: {describe(response)}", response.Error);
            }

            return response.Content;
        }
    }

    /// <summary>Failures of the call itself, left over after the resilience pipeline's retries.</summary>
    public static bool IsTransport(Exception ex) =>
        ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or ApiException or JsonException
        || (ex is TaskCanceledException tce && tce.InnerException is TimeoutException);
}
