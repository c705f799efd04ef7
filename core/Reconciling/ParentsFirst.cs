using SfSync.Model;
using SfSync.Planning;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// A run applies its contacts after its accounts. The batches of one run are applied concurrently, and a contact applied
/// before its new account is linked is written without it and sent back seconds later (a follow-up): the same run then
/// writes such contacts twice, and what it counts depends on which batch finished first. So a contact batch the planner
/// planned waits, on the queue, while an account batch of its run, or a follow-up of its run, is not done yet — a bounded
/// number of times, with the follow-up delays, after which it is applied anyway and its contacts wait for their accounts
/// one by one as before. Follow-ups never wait, so nothing waits for itself.
/// </summary>
internal static class ParentsFirst
{
    /// <summary>The reason a waiting contact batch carries in the outbox.</summary>
    public const string Reason = "Waiting for the run's account batches.";

    /// <summary>How often a contact batch waits at most; with the doubling follow-up delays (5 s first) about 21 minutes.</summary>
    public const int MaxWaits = BatchApplier.MaxFollowUpAttempts;

    public static async Task<bool> MustWaitAsync(IPlanOutbox outbox, PlannedBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Entity != EntityKind.Contact || batch.RunId.Length == 0 || batch.Attempts > MaxWaits || batch.PlanId.StartsWith(Planner.FollowUpPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        // The run's account batches, and the contacts its new accounts sent back (follow-ups, due seconds after them):
        // applied before this batch, they leave it in the same state whichever finished first.
        var accounts = await outbox.GetOpenPlansAsync(EntityKind.Account, cancellationToken).ConfigureAwait(false);
        var contacts = await outbox.GetOpenPlansAsync(EntityKind.Contact, cancellationToken).ConfigureAwait(false);
        var before = accounts.Where(p => !IsFollowUp(p)).Concat(contacts.Where(IsFollowUp)).Where(p => p.RunId == batch.RunId);
        foreach (var plan in before)
        {
            if ((await outbox.GetBatchesAsync(plan.PlanId, cancellationToken).ConfigureAwait(false)).Any(b => b.Status != BatchStatus.Done && b.RunId == batch.RunId))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFollowUp(Plan plan) => plan.PlanId.StartsWith(Planner.FollowUpPrefix, StringComparison.Ordinal);
}
