using SfSync.Model;

namespace SfSync;

/// <summary>
/// Thrown by a port adapter when a side stayed unreachable through its brief, bounded retries (outage,
/// throttling, expired credentials). The reconciler turns it into a deferred batch rather than a failed
/// invocation, because Service Bus would redeliver at once and dead-letter within seconds.
/// </summary>
internal sealed class SideUnavailableException : Exception
{
    public SideUnavailableException(Side side, string reason, Exception? innerException = null)
        : base($"{side} is unavailable: {reason}", innerException)
    {
        Side = side;
        Reason = reason;
    }

    public SideUnavailableException()
    {
    }

    public SideUnavailableException(string message) : base(message)
    {
    }

    public SideUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public Side Side { get; }

    public string Reason { get; } = "";

    /// <summary>Which kind of trouble the reason describes, for health and alerts.</summary>
    public ConnectionProblem Problem { get; init; } = ConnectionProblem.ErrorAnswer;
}
