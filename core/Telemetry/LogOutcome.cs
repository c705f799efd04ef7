namespace SfSync.Telemetry;

/// <summary>
/// The Outcome dimension of the engine's log events that report one (by their EventName), so a log query can filter
/// outcomes without parsing messages. Events not listed report none.
/// </summary>
internal static class LogOutcome
{
    private static readonly Dictionary<string, string> ByEvent = new(StringComparer.Ordinal)
    {
        ["BatchApplied"] = "Applied",
        ["BatchAlreadyApplied"] = "AlreadyApplied",
        ["BatchDeferred"] = "Deferred",
        ["RecordFailed"] = "Failed",
        ["RecordSynced"] = "Synced",
        ["BatchResent"] = "Resent",
        ["BatchesSent"] = "Sent",
        ["BatchesNotSent"] = "NotSent",
        ["BatchScheduled"] = "Scheduled",
        ["BatchNotScheduled"] = "NotScheduled",
        ["PlanningPaused"] = "Paused",
        ["PlanningResumed"] = "Resumed",
        ["DeadLetterReplayed"] = "Replayed",
    };

    public static IReadOnlyDictionary<string, string> Table => ByEvent;

    public static string? For(string? eventName) => eventName is not null && ByEvent.TryGetValue(eventName, out var outcome) ? outcome : null;
}
