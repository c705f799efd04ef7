using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace SfSync.Http;

/// <summary>
/// The resilience pipeline of every client that talks to a side: jittered exponential retries of transient failures
/// only (honouring Retry-After), per-attempt and total timeouts, and a circuit breaker so a dead side fails fast and
/// the batch is deferred instead of burning its invocation on timeouts.
/// </summary>
public static class SideResilience
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
                    ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
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
}
