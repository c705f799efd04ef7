using System.ComponentModel.DataAnnotations;

namespace SfSync.Http;

/// <summary>
/// How long one call to a side may take and how often it is retried inside one invocation. Short on purpose:
/// a side that is still down after this is deferred (the outbox retries it minutes later), not waited for.
/// </summary>
internal class HttpTimeoutOptions
{
    /// <summary>One attempt; a bulk write of 200 records is the slowest call we make.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>All attempts of one call together, back-offs included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Retries of a transient failure (5xx, 408, 429, timeouts, connection errors), with jittered exponential back-off.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off; doubles per retry. Retry-After from the server wins.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
