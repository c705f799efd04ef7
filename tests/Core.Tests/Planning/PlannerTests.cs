using SfSync.Model;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Planning;

public class PlannerTests
{
    private static PlanRequest Request(string runId, bool full = false) => new(runId, RunTrigger.Http, EntityKindNames.All, full);

    [Fact]
    public async Task Ten_thousand_changed_records_become_fifty_batches_of_two_hundred()
    {
        using var h = new SyncHarness();
        for (var i = 0; i < 10_000; i++)
        {
            h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Account {i}")));
        }

        var plan = await h.Planner.PlanAsync(Request("r1"));

        Assert.Equal(50, plan.NewBatches);
        Assert.All(plan.Messages, m => Assert.Equal(200, m.Keys.Count));
        Assert.Equal(10_000, plan.Messages.SelectMany(m => m.Keys).Distinct().Count());
        Assert.Equal(5, h.Salesforce.ReadCalls); // 2,000 rows per query page: one composite call for the first pages, four more pages
        Assert.Equal(50, (await h.History.GetAsync("r1"))!.BatchesPlanned);
    }

    [Fact]
    public async Task A_record_changed_on_both_sides_is_planned_once()
    {
        using var h = new SyncHarness();
        var sf = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        await h.SyncUntilQuietAsync();
        var app = h.App.All(EntityKind.Account).Single().Id;
        h.Salesforce.Edit(sf, Fields.Of(("Phone", "1")));
        h.App.Edit(app, Fields.Of(("city", "Oslo")));

        var plan = await h.Planner.PlanAsync(Request("r2"));

        var key = Assert.Single(Assert.Single(plan.Messages).Keys);
        Assert.Equal((sf, app), (key.SalesforceId!.Value, key.AppId!.Value));
    }

    [Fact]
    public async Task An_idle_run_costs_one_Salesforce_call_for_all_entities()
    {
        using var h = new SyncHarness();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        await h.SyncUntilQuietAsync();
        var calls = h.Salesforce.Calls;

        var plan = await h.Planner.PlanAsync(Request("idle"));

        Assert.Empty(plan.Messages);
        Assert.Equal(1, h.Salesforce.Calls - calls);
        Assert.Equal(RunStatus.Succeeded, (await h.History.GetAsync("idle"))!.Status);
    }

    [Fact]
    public async Task The_lookback_overlap_is_reread_but_not_planned_twice()
    {
        using var h = new SyncHarness();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var first = await h.Planner.PlanAsync(Request("a"));
        Assert.Single(first.Messages);

        h.Time.Advance(TimeSpan.FromMinutes(1)); // well inside the 10-minute lookback
        var second = await h.Planner.PlanAsync(Request("b"));

        Assert.Empty(second.Messages);
    }

    [Fact]
    public async Task A_record_committed_late_with_a_stamp_behind_the_watermark_is_still_planned()
    {
        using var h = new SyncHarness();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Early")));
        h.Time.Advance(TimeSpan.FromMinutes(3));
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Latest")));
        await h.SyncUntilQuietAsync();

        // A transaction that started before "Latest" commits now, carrying its earlier stamp.
        var late = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Late commit")));
        var watermark = h.Salesforce.All(EntityKind.Account).Where(a => a.Id != late).Max(a => a.SystemModstamp);
        h.Salesforce.Get(late).SystemModstamp = watermark - TimeSpan.FromMinutes(2);

        var plan = await h.Planner.PlanAsync(Request("late"));

        Assert.Contains(plan.Messages.SelectMany(m => m.Keys), k => k.SalesforceId == late);
    }

    [Fact]
    public async Task The_cursor_is_committed_only_when_every_batch_planned_before_it_is_done()
    {
        using var h = new SyncHarness();
        for (var i = 0; i < 300; i++)
        {
            h.App.Create(EntityKind.Account, Fields.Of(("name", $"Customer {i}")));
        }

        var plan = await h.Planner.PlanAsync(Request("r"));
        Assert.Equal(2, plan.Messages.Count);
        await h.Applier.ApplyAsync(plan.Messages[0]);

        await h.Planner.PlanAsync(Request("r-next"));
        var cursor = (await h.State.GetAsync(EntityKind.Account))!;
        Assert.Null(cursor.Committed.AppCursor);
        Assert.NotNull(cursor.Planned.AppCursor);

        await h.Applier.ApplyAsync(plan.Messages[1]);
        await h.Planner.PlanAsync(Request("r-last"));
        cursor = (await h.State.GetAsync(EntityKind.Account))!;
        Assert.Equal(cursor.Planned.AppCursor, cursor.Committed.AppCursor);
        Assert.Equal(RunStatus.Succeeded, (await h.History.GetAsync("r"))!.Status);
    }

    [Fact]
    public async Task A_stalled_batch_is_sent_again_after_the_stall_timeout_and_only_then()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Lost message")));
        var plan = await h.Planner.PlanAsync(Request("r")); // the host never delivers this message

        h.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Empty((await h.Planner.PlanAsync(Request("r-29"))).Messages);

        h.Time.Advance(TimeSpan.FromMinutes(2));
        var resent = await h.Planner.PlanAsync(Request("r-31"));

        var message = Assert.Single(resent.Messages);
        Assert.Equal((plan.Messages[0].BatchId, "r", 2), (message.BatchId, message.RunId, message.Attempt));
        await h.Applier.ApplyAsync(message);
        Assert.Single(h.Salesforce.All(EntityKind.Account));
    }

    [Fact]
    public async Task A_batch_deferred_while_Salesforce_is_down_is_sent_again_when_due_with_growing_delays()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Patient Co")));
        var message = (await h.Planner.PlanAsync(Request("r"))).Messages.Single();
        h.Salesforce.Unavailable = "503 Service Unavailable";

        var delays = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var applied = await h.Applier.ApplyAsync(message);
            Assert.Equal(BatchApplyStatus.Deferred, applied.Status);
            delays.Add(applied.NextAttemptAt!.Value - h.Time.GetUtcNow());

            h.Time.Advance(delays[^1] - TimeSpan.FromSeconds(1));
            Assert.Empty((await h.Planner.PlanAsync(Request($"early-{attempt}"))).Messages);
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Salesforce.Unavailable = null; // the planner's own read must get through
            message = (await h.Planner.PlanAsync(Request($"due-{attempt}"))).Messages.Single();
            h.Salesforce.Unavailable = "503 Service Unavailable";
        }

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4)], delays);
        h.Salesforce.Unavailable = null;
        Assert.Equal(BatchApplyStatus.Applied, (await h.Applier.ApplyAsync(message)).Status);
        Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(RunStatus.Succeeded, (await h.History.GetAsync("r"))!.Status);
    }

    [Fact]
    public async Task Planning_pauses_when_API_usage_passes_the_threshold_and_says_why()
    {
        using var h = new SyncHarness();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        await h.Planner.PlanAsync(Request("warm-up")); // learns usage from a response
        h.Salesforce.UsedBefore = 12_500;
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Globex")));
        await h.Planner.PlanAsync(Request("pushes-over"));
        var calls = h.Salesforce.Calls;

        var paused = await h.Planner.PlanAsync(Request("paused"));

        Assert.True(paused.Paused);
        Assert.Equal(calls, h.Salesforce.Calls);
        var run = (await h.History.GetAsync("paused"))!;
        Assert.Equal(RunStatus.Paused, run.Status);
        Assert.Contains("daily calls", run.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_outbox_lost_a_plan_planning_falls_back_to_the_committed_cursor()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme")));
        var plan = await h.Planner.PlanAsync(Request("r"));
        foreach (var open in await h.State.GetOpenPlansAsync(EntityKind.Account))
        {
            await h.State.CloseAsync(open); // e.g. expired by an operator's clean-up
        }

        var replanned = await h.Planner.PlanAsync(Request("r2"));

        // The run notices that nothing in the outbox covers the planned cursor, rewinds and plans the change again.
        Assert.Single(plan.Messages);
        Assert.Contains(replanned.Messages.SelectMany(m => m.Keys), k => k.AppId == app);
    }

    [Fact]
    public async Task A_planning_run_that_cannot_reach_Salesforce_fails_without_moving_any_cursor()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme")));
        h.Salesforce.Unavailable = "invalid_grant: expired access/refresh token";

        var plan = await h.Planner.PlanAsync(Request("down"));

        Assert.Empty(plan.Messages);
        var run = (await h.History.GetAsync("down"))!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("invalid_grant", run.Message, StringComparison.Ordinal);
        Assert.Null(await h.State.GetAsync(EntityKind.Account));

        h.Salesforce.Unavailable = null;
        Assert.Single((await h.Planner.PlanAsync(Request("up"))).Messages);
    }
}
