using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace SfSync.Http;

/// <summary>
/// The resilience pipeline of every client that talks to a side: jittered exponential retries of transient failures
/// only (honouring Retry-After), per-attempt and total timeouts, and a circuit breaker so a dead side fails fast and
/// the batch is deferred instead of burning its invocation on timeouts.
/// </summary>
internal static class SideResilience
{
    public static IHttpClientBuilder AddSideResilience(this IHttpClientBuilder builder, Func<IServiceProvider, HttpTimeoutOptions> timeouts)
    {
        builder.AddResilienceHandler("side", (pipeline, context) =>
        {
            var options = timeouts(context.ServiceProvider);
            pipeline
                .AddTimeout(options.TotalTimeout)
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                    Delay = options.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && HttpClientResiliencePredicates.IsTransient(args.Outcome)
                        && (IsReplayable(args.Context.GetRequestMessage()) || WasRefused(args.Outcome.Result))),
                })
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 10,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(15),
                })
                .AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }

    /// <summary>The request option that marks a write which may have been applied even when no answer came back.</summary>
    public const string NotReplayable = "SfSync.NotReplayable";

    private static bool IsReplayable(HttpRequestMessage? request) =>
        request is null || !((IDictionary<string, object?>)request.Options).TryGetValue(NotReplayable, out var value) || value is not true;

    // A write is retried only when the server refused it outright; after a timeout or a 500 it may have been applied,
    // and the engine's pending-create markers, not a blind replay, decide what happens next.
    private static bool WasRefused(HttpResponseMessage? response) => response?.StatusCode is System.Net.HttpStatusCode.TooManyRequests or System.Net.HttpStatusCode.ServiceUnavailable || (int?)response?.StatusCode == 420;
}
