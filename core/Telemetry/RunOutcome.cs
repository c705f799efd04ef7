using SfSync.Planning;

namespace SfSync.Telemetry;

/// <summary>How a planning run ended, as the <see cref="SyncMetrics.Runs"/> metric's Outcome says it.</summary>
public enum RunOutcomeKind
{
    /// <summary>Batches were sent (new or again).</summary>
    Planned,

    /// <summary>Nothing had changed: nothing was sent.</summary>
    Idle,

    /// <summary>Salesforce API usage was at the pause threshold: nothing was read.</summary>
    Paused,

    /// <summary>Batches were recorded but the queue refused them; the stall re-send sends them.</summary>
    NotSent,

    /// <summary>The run threw (a side or the state store unavailable while planning).</summary>
    Failed,
}

internal static class RunOutcome
{
    public static RunOutcomeKind Of(PlanOutcome plan) => plan switch
    {
        { PausedReason: not null } => RunOutcomeKind.Paused,
        { SendError: not null } => RunOutcomeKind.NotSent,
        { NewBatches: 0, ResentBatches: 0 } => RunOutcomeKind.Idle,
        _ => RunOutcomeKind.Planned,
    };
}
