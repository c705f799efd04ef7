using SfSync.State;

namespace SfSync.Queue;

/// <summary>The replay rule for one dead-lettered message, from what its body says and what the outbox holds.</summary>
internal static class ReplayDecision
{
    public static ReplayCase For(bool isBatch, PlannedBatch? stored) => (isBatch, stored?.Status) switch
    {
        (false, _) => ReplayCase.NotABatch,
        (true, null) => ReplayCase.PlanClosed,
        (true, BatchStatus.Done) => ReplayCase.AlreadyApplied,
        _ => ReplayCase.Resend,
    };

    /// <summary>Whether the message leaves the dead-letter queue once the case is carried out.</summary>
    public static bool Removes(ReplayCase replay) => replay != ReplayCase.NotABatch;
}
