using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Queue;

/// <summary>Replaying the dead-letter queue through the outbox: recorded before it is sent, removed only after.</summary>
public sealed class DeadLetterReplayTests
{
    [Fact]
    public async Task A_dead_lettered_batch_is_recorded_as_a_new_attempt_sent_and_only_then_removed_and_applying_it_finishes_its_run()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Poison Co")));
        await h.Planner.PlanAsync(new PlanRequest("r", RunTrigger.Timer, [EntityKind.Account]));
        var message = h.Queue.Receive()!;
        h.Queue.DeadLetter(message, "MaxDeliveryCountExceeded");
        h.Time.Advance(TimeSpan.FromMinutes(3));

        var result = Assert.Single(await h.Get<DeadLetterReplay>().ReplayAsync(null));

        Assert.Equal((ReplayCase.Resend, true), (result.Case, result.Removed));
        Assert.Empty(h.Queue.DeadLetters);
        var stored = Assert.Single(h.State.Batches);
        Assert.Equal((BatchStatus.Pending, 2, h.Time.GetUtcNow()), (stored.Status, stored.Attempts, stored.EnqueuedAt));
        Assert.Contains("MaxDeliveryCountExceeded", stored.LastReason, StringComparison.Ordinal);
        Assert.Equal($"{message.BatchId}.2", h.Queue.Log[^1].MessageId);
        await h.DrainAsync();
        Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(RunStatus.Succeeded, (await h.History.GetAsync("r"))!.Status);
    }

    [Fact]
    public async Task A_replay_whose_send_fails_leaves_the_message_and_the_outbox_re_sends_the_batch_once_it_stalls()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Poison Co")));
        await h.Planner.PlanAsync(new PlanRequest("r", RunTrigger.Timer, [EntityKind.Account]));
        h.Queue.DeadLetter(h.Queue.Receive()!, "MaxDeliveryCountExceeded");
        h.Queue.Refuse = "namespace unreachable";

        var result = Assert.Single(await h.Get<DeadLetterReplay>().ReplayAsync(null));

        Assert.Equal((ReplayCase.Resend, false), (result.Case, result.Removed));
        Assert.Single(h.Queue.DeadLetters);
        Assert.Equal(BatchStatus.Pending, Assert.Single(h.State.Batches).Status);
        h.Queue.Refuse = null;
        h.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Single((await h.Planner.PlanAsync(new PlanRequest("r2", RunTrigger.Timer, [EntityKind.Account]))).Messages);
    }

    [Fact]
    public async Task Messages_already_applied_or_of_closed_plans_are_removed_unsent_and_a_message_that_is_no_batch_stays()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Applied Co")));
        await h.Planner.PlanAsync(new PlanRequest("r", RunTrigger.Timer, [EntityKind.Account]));
        var applied = h.Queue.Receive()!;
        await h.Applier.ApplyAsync(applied);
        h.Queue.DeadLetter(applied, "MaxDeliveryCountExceeded");
        h.Queue.DeadLetter(applied with { PlanId = "account-closed-long-ago", BatchId = "gone" }, "TTLExpiredException");
        h.Queue.DeadLetter("this is not a sync batch", "MaxDeliveryCountExceeded");
        var sends = h.Queue.Log.Count;

        var results = await h.Get<DeadLetterReplay>().ReplayAsync(null);

        Assert.Equal([(ReplayCase.AlreadyApplied, true), (ReplayCase.PlanClosed, true), (ReplayCase.NotABatch, false)], results.Select(r => (r.Case, r.Removed)));
        Assert.Equal("this is not a sync batch", Assert.Single(h.Queue.DeadLetters).Body);
        Assert.Equal(sends, h.Queue.Log.Count);
    }

    [Fact]
    public async Task A_replay_by_batch_id_touches_only_that_batch()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "One")));
        await h.Planner.PlanAsync(new PlanRequest("r", RunTrigger.Timer, [EntityKind.Account]));
        var one = h.Queue.Receive()!;
        h.Queue.DeadLetter(one, "MaxDeliveryCountExceeded");
        h.Queue.DeadLetter(one with { BatchId = "other" }, "MaxDeliveryCountExceeded");

        var result = Assert.Single(await h.Get<DeadLetterReplay>().ReplayAsync(one.BatchId));

        Assert.Equal(one.BatchId, result.BatchId);
        Assert.Equal("other", Assert.Single(h.Queue.DeadLetters).BatchId);
        Assert.Empty(await h.Get<DeadLetterReplay>().ReplayAsync("no-such-batch"));
    }
}
