using Microsoft.Extensions.Options;
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
    public async Task A_full_resync_that_loses_the_cursor_race_to_a_timer_run_still_plans_every_record()
    {
        using var h = new SyncHarness();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Globex")));
        await h.SyncUntilQuietAsync();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Initech")));

        // A timer run saves the Account cursor between the full re-sync's read and its own save (seed 20187).
        var raced = false;
        h.State.BeforeCursorSave = state =>
        {
            if (state.Entity == EntityKind.Account && !raced)
            {
                raced = true;
                h.State.TrySaveAsync(h.State.GetAsync(EntityKind.Account).Result! with { PlanSequence = state.PlanSequence + 10 }).Wait();
            }
        };
        var plan = await h.Planner.PlanAsync(Request("resync", full: true));
        h.State.BeforeCursorSave = null;

        Assert.True(raced);
        var accounts = plan.Messages.Where(m => m.Entity == EntityKind.Account).ToList();
        Assert.All(accounts, m => Assert.True(m.Full));
        Assert.Equal(3, accounts.SelectMany(m => m.Keys).Count()); // the winner planned changes only; the re-sync plans all three
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
    public async Task A_record_committed_after_the_read_under_an_earlier_stamp_is_still_planned()
    {
        using var h = new SyncHarness();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Early")));
        await h.SyncUntilQuietAsync();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Latest")));
        await h.Planner.PlanAsync(Request("reads-latest"));

        // A person's transaction that started two minutes before that read commits now, carrying its earlier stamp.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var late = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Late commit")));
        h.Salesforce.Get(late).SystemModstamp = h.Time.GetUtcNow() - TimeSpan.FromMinutes(3);
        h.Time.Advance(TimeSpan.FromMinutes(4));

        var plan = await h.Planner.PlanAsync(Request("late"));

        Assert.Contains(plan.Messages.SelectMany(m => m.Keys), k => k.SalesforceId == late);
    }

    [Fact]
    public async Task After_a_sync_that_wrote_thousands_of_records_an_idle_run_is_one_call_that_re_reads_none_of_them()
    {
        var (h, salesforce, cursors) = PlannerTestPorts.Create();
        using var _h = h;
        for (var i = 0; i < 2_500; i++)
        {
            h.App.Create(EntityKind.Account, Fields.Of(("name", $"Customer {i:D4}")));
        }

        await h.SyncUntilQuietAsync(); // creates 2,500 accounts in Salesforce, then reads them back as our own echoes once
        var (calls, saves) = (h.Salesforce.Calls, cursors.Saves);

        for (var run = 0; run < 3; run++)
        {
            Assert.Empty((await h.SyncAsync()).Plan.Messages);
            h.Time.Advance(TimeSpan.FromMinutes(5));
        }

        Assert.Equal(3, h.Salesforce.Calls - calls);
        Assert.Equal(saves, cursors.Saves);
        Assert.True(salesforce.ChangeReads > 0);
    }

    [Fact]
    public async Task People_s_changes_inside_the_lookback_are_re_read_only_until_the_window_since_the_read_has_passed()
    {
        var (h, _, cursors) = PlannerTestPorts.Create();
        using var _h = h;
        var loadedFrom = h.Time.GetUtcNow() - TimeSpan.FromMinutes(8);
        for (var i = 0; i < 2_100; i++)
        {
            // A person's data load over the last seven minutes: more than a feed page, all of it inside the lookback.
            var id = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Bulk {i:D4}")));
            h.Salesforce.Get(id).SystemModstamp = loadedFrom + TimeSpan.FromSeconds(i / 5);
        }

        await h.SyncUntilQuietAsync();
        var calls = h.Salesforce.Calls;
        var saves = cursors.Saves;
        await h.SyncAsync();

        Assert.Equal(1, h.Salesforce.Calls - calls); // the late window has passed: nothing of the load is read again
        Assert.Equal(saves, cursors.Saves);
    }

    /// <summary>A person's load over the last five minutes (40 records a second), synced: every row inside the lookback.
    /// The org does not say what is committed (an org or API version without Get Updated), so the lookback stands.</summary>
    private static async Task<(SyncHarness H, List<SalesforceId> Loaded)> SyncedBulkLoadAsync(int records = 10_000, bool saysCommitted = false)
    {
        var h = new SyncHarness();
        h.Salesforce.SaysCommitted = saysCommitted;
        var loadedFrom = h.Time.GetUtcNow() - TimeSpan.FromMinutes(5);
        var loaded = new List<SalesforceId>();
        for (var i = 0; i < records; i++)
        {
            var id = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Load {i:D5}")));
            h.Salesforce.Get(id).SystemModstamp = loadedFrom + TimeSpan.FromSeconds(i / 40);
            loaded.Add(id);
        }

        // Two ticks a minute apart (the first applies the load, the second reads back whatever that wrote), both well
        // inside the lookback of the load: the late-commit window still holds all of it.
        await h.SyncAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty((await h.SyncAsync()).Plan.Messages);
        return (h, loaded);
    }

    [Fact]
    public async Task People_s_bulk_change_inside_the_lookback_is_re_read_in_two_calls_the_window_cut_into_parallel_parts()
    {
        var (h, _) = await SyncedBulkLoadAsync();
        using var _h = h;
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var calls = h.Salesforce.Calls;

        var plan = await h.Planner.PlanAsync(Request("idle-in-window"));

        // 10,000 rows of the window are read again (the late-commit safety needs every one), five queries to a call:
        // two calls, where one page after another took five.
        Assert.Empty(plan.Messages);
        Assert.Equal(2, h.Salesforce.Calls - calls);
    }

    [Fact]
    public async Task When_the_org_says_what_is_committed_people_s_bulk_change_is_read_once_and_the_idle_run_after_it_is_one_call_that_writes_nothing()
    {
        var (h, _) = await SyncedBulkLoadAsync(saysCommitted: true);
        using var _h = h;
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var (calls, position) = (h.Salesforce.Calls, (await h.State.GetAsync(EntityKind.Account))!.Planned);

        var plan = await h.Planner.PlanAsync(Request("idle-after-load"));

        // The org said the load was committed when the first run read it: nothing of it is read again.
        Assert.Empty(plan.Messages);
        Assert.Equal(1, h.Salesforce.Calls - calls);
        Assert.Equal(position, (await h.State.GetAsync(EntityKind.Account))!.Planned);
    }

    [Fact]
    public async Task A_transaction_the_org_says_is_open_keeps_its_stamps_in_the_window_past_the_lookback_until_it_commits()
    {
        using var h = new SyncHarness();
        h.Salesforce.SaysCommitted = true;
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Early")));
        await h.SyncUntilQuietAsync();

        // A person's long batch job starts; a minute later someone else's edit is read, past the job's start.
        var started = h.Time.GetUtcNow();
        h.Salesforce.OpenTransactions.Add(started);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Latest")));
        Assert.Single((await h.Planner.PlanAsync(Request("reads-latest"))).Messages);

        // Twenty minutes of runs while the job is open — twice the lookback — each one call that plans only what is new:
        // what the window re-reads is remembered as long as the window reaches back (not just the lookback below the
        // watermark), or "Latest" would be planned again once "Later" moved the watermark fifteen minutes past it.
        for (var run = 0; run < 4; run++)
        {
            h.Time.Advance(TimeSpan.FromMinutes(5));
            var later = run == 2 ? h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Later"))) : (SalesforceId?)null;
            var calls = h.Salesforce.Calls;
            var planned = (await h.Planner.PlanAsync(Request($"open-{run}"))).Messages.SelectMany(m => m.Keys).Select(k => k.SalesforceId);
            Assert.Equal(later is { } id ? [id] : [], planned);
            Assert.Equal(1, h.Salesforce.Calls - calls);
        }

        // The job commits its record under the stamp of its start, twenty minutes behind the watermark.
        var slow = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Slow job")));
        h.Salesforce.Get(slow).SystemModstamp = started + TimeSpan.FromSeconds(5);
        h.Salesforce.OpenTransactions.Clear();

        var plan = await h.Planner.PlanAsync(Request("committed"));

        Assert.Equal([slow], plan.Messages.SelectMany(m => m.Keys).Select(k => k.SalesforceId));
    }

    [Fact]
    public async Task A_transaction_the_org_says_opened_before_the_settled_point_widens_the_window_back_to_its_start()
    {
        using var h = new SyncHarness();
        h.Salesforce.SaysCommitted = true;
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Early")));
        await h.SyncUntilQuietAsync();
        h.Time.Advance(TimeSpan.FromMinutes(25));
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Later")));
        await h.SyncUntilQuietAsync(); // the watermark is at "Later", and so is the settled point: the window is closed
        h.Time.Advance(TimeSpan.FromMinutes(5));

        // The org now says a job has been open since fifteen minutes before that point (as when the point was only the
        // lookback's guess). The idle run must widen the window, or the job's commit, stamped behind the watermark, is lost.
        var closed = (await h.State.GetAsync(EntityKind.Account))!.Planned;
        Assert.Equal(closed.SalesforceWatermark, closed.SalesforceSettled);
        var started = closed.SalesforceWatermark!.Value - TimeSpan.FromMinutes(15);
        h.Salesforce.OpenTransactions.Add(started);
        Assert.Empty((await h.Planner.PlanAsync(Request("job-open"))).Messages);
        var slow = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Slow job")));
        h.Salesforce.Get(slow).SystemModstamp = started + TimeSpan.FromSeconds(5);
        h.Salesforce.OpenTransactions.Clear();
        h.Time.Advance(TimeSpan.FromMinutes(5));

        var plan = await h.Planner.PlanAsync(Request("job-committed"));

        Assert.Equal([slow], plan.Messages.SelectMany(m => m.Keys).Select(k => k.SalesforceId));
    }

    [Fact]
    public async Task People_s_load_of_5000_records_inside_the_lookback_is_re_read_within_the_idle_run_s_one_call()
    {
        var (h, _) = await SyncedBulkLoadAsync(5_000);
        using var _h = h;
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var calls = h.Salesforce.Calls;

        var plan = await h.Planner.PlanAsync(Request("idle-5000"));

        // Two first pages and three parts of the window in one Composite request; read one page after another it was three.
        Assert.Empty(plan.Messages);
        Assert.Equal(1, h.Salesforce.Calls - calls);
    }

    [Fact]
    public async Task A_late_commit_under_an_older_stamp_inside_a_cut_window_is_still_planned_a_new_record_and_a_second_edit_alike()
    {
        var (h, loaded) = await SyncedBulkLoadAsync();
        using var _h = h;
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var middle = h.Salesforce.Get(loaded[5_000]).SystemModstamp;

        // Two slow transactions that started inside the window commit only now, under their start stamps: a new record,
        // and a second edit of a loaded record whose first version is itself inside the window (no count of the window
        // would change for it: only reading the rows finds it).
        var created = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Slow create")));
        h.Salesforce.Get(created).SystemModstamp = middle;
        var edited = loaded[2_500];
        h.Salesforce.Edit(edited, Fields.Of(("Phone", "555 0101")));
        h.Salesforce.Get(edited).SystemModstamp = middle + TimeSpan.FromSeconds(10);

        var plan = await h.Planner.PlanAsync(Request("late-in-window"));

        var keys = plan.Messages.SelectMany(m => m.Keys).Select(k => k.SalesforceId).ToHashSet();
        Assert.Equal(2, keys.Count);
        Assert.Contains(created, keys);
        Assert.Contains(edited, keys);
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
    public async Task A_batch_deferred_while_Salesforce_is_down_is_scheduled_on_the_queue_with_growing_delays_and_a_new_message_id_each_time()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Patient Co")));
        await h.Planner.PlanAsync(Request("r"));
        var message = h.Queue.Receive()!;
        h.Salesforce.Unavailable = "503 Service Unavailable";

        var delays = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var applied = await h.Applier.ApplyAsync(message);
            Assert.Equal(BatchApplyStatus.Deferred, applied.Status);
            var scheduled = h.Queue.Log[^1];
            Assert.Equal(applied.NextAttemptAt, scheduled.ScheduledFor);
            delays.Add(applied.NextAttemptAt!.Value - h.Time.GetUtcNow());

            // The planner leaves a scheduled batch to the queue; the queue shows it when it is due, not before.
            h.Time.Advance(delays[^1] - TimeSpan.FromSeconds(1));
            h.Salesforce.Unavailable = null;
            Assert.Empty((await h.Planner.PlanAsync(Request($"early-{attempt}"))).Messages);
            Assert.Null(h.Queue.Receive());
            h.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Empty((await h.Planner.PlanAsync(Request($"due-{attempt}"))).Messages);
            message = h.Queue.Receive()!;
            Assert.Equal((message.BatchId, attempt + 2), (scheduled.Batch.BatchId, message.Attempt));
            h.Salesforce.Unavailable = "503 Service Unavailable";
        }

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4)], delays);
        Assert.Equal(4, h.Queue.Log.Select(l => l.MessageId).Distinct().Count()); // the send and three schedules: four ids
        h.Salesforce.Unavailable = null;
        Assert.Equal(BatchApplyStatus.Applied, (await h.Applier.ApplyAsync(message)).Status);
        Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(RunStatus.Succeeded, (await h.History.GetAsync("r"))!.Status);
    }

    [Fact]
    public async Task A_scheduled_batch_the_queue_lost_is_sent_again_by_the_planner_a_stall_timeout_after_it_was_due()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Patient Co")));
        await h.Planner.PlanAsync(Request("r"));
        h.Salesforce.Unavailable = "503 Service Unavailable";
        var deferred = await h.Applier.ApplyAsync(h.Queue.Receive()!);
        h.Salesforce.Unavailable = null;
        h.Queue.LoseAll();

        h.Time.Advance(deferred.NextAttemptAt!.Value - h.Time.GetUtcNow() + h.Get<IOptions<PlanningOptions>>().Value.StallTimeout - TimeSpan.FromSeconds(1));
        Assert.Empty((await h.Planner.PlanAsync(Request("not-yet"))).Messages);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var resent = Assert.Single((await h.Planner.PlanAsync(Request("lost"))).Messages);

        Assert.Equal(3, resent.Attempt);
        Assert.Equal(BatchApplyStatus.Applied, (await h.Applier.ApplyAsync(h.Queue.Receive()!)).Status);
        Assert.Single(h.Salesforce.All(EntityKind.Account));
    }

    [Fact]
    public async Task A_deferral_the_queue_refuses_to_schedule_is_sent_by_the_planner_when_due()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Patient Co")));
        await h.Planner.PlanAsync(Request("r"));
        h.Salesforce.Unavailable = "503 Service Unavailable";
        h.Queue.Refuse = "namespace unreachable";
        var deferred = await h.Applier.ApplyAsync(h.Queue.Receive()!);
        h.Salesforce.Unavailable = null;
        h.Queue.Refuse = null;

        Assert.Equal(BatchApplyStatus.Deferred, deferred.Status);
        Assert.Equal(0, h.Queue.Waiting);
        Assert.False(Assert.Single(h.State.Batches).Scheduled);
        h.Time.Advance(deferred.NextAttemptAt!.Value - h.Time.GetUtcNow());
        Assert.Single((await h.Planner.PlanAsync(Request("due"))).Messages);
        Assert.Equal(BatchApplyStatus.Applied, (await h.Applier.ApplyAsync(h.Queue.Receive()!)).Status);
    }

    [Fact]
    public async Task Batches_the_queue_refuses_stay_recorded_and_go_out_again_after_the_stall_timeout_under_a_new_message_id()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Patient Co")));
        h.Queue.Refuse = "Service Bus: ServiceCommunicationProblem";
        var plan = await h.Planner.PlanAsync(Request("r"));
        h.Queue.Refuse = null;

        Assert.Contains("ServiceCommunicationProblem", plan.SendError, StringComparison.Ordinal);
        Assert.Contains("stall timeout", (await h.History.GetAsync("r"))!.Message, StringComparison.Ordinal);
        Assert.Equal(BatchStatus.Pending, Assert.Single(h.State.Batches).Status);
        Assert.Equal(0, h.Queue.Waiting);

        h.Time.Advance(h.Get<IOptions<PlanningOptions>>().Value.StallTimeout);
        var resent = Assert.Single((await h.Planner.PlanAsync(Request("r2"))).Messages);
        Assert.Equal($"{resent.BatchId}.2", h.Queue.Log.Single().MessageId);
        Assert.Equal(BatchApplyStatus.Applied, (await h.Applier.ApplyAsync(h.Queue.Receive()!)).Status);
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

    // ---- The API budget: pause, hysteresis, refresh while paused, restart (issue 10, item 5) ----
    // The fake org allows 15,000 calls a day: the pause threshold (0.8) is 12,000, the resume level (0.75) 11,250.

    /// <summary>Plans once at low usage, then lets a run's read push usage to 12,300 (82 %), five minutes apart.</summary>
    private static async Task<SalesforceId> PushUsageOverTheThresholdAsync(SyncHarness h)
    {
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        await h.SyncUntilQuietAsync();
        h.Salesforce.UsageOnNextCall(12_300);
        h.Salesforce.Edit(account, Fields.Of(("Phone", "1")));
        Assert.False((await h.Planner.PlanAsync(Request("pushes-over"))).Paused);
        Assert.Equal(12_300, h.Salesforce.LastUsage!.Used);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        return account;
    }

    [Fact]
    public async Task Planning_pauses_at_the_threshold_and_the_run_says_when_and_why()
    {
        var (h, salesforce, _) = PlannerTestPorts.Create();
        using var _h = h;
        var account = await PushUsageOverTheThresholdAsync(h);
        h.Salesforce.Edit(account, Fields.Of(("Phone", "2")));
        var calls = h.Salesforce.Calls;

        var paused = await h.Planner.PlanAsync(Request("paused"));

        Assert.True(paused.Paused);
        Assert.Empty(paused.Messages);
        Assert.Equal(calls, h.Salesforce.Calls); // a fresh figure over the threshold: no call at all
        var run = (await h.History.GetAsync("paused"))!;
        Assert.Equal(RunStatus.Paused, run.Status);
        Assert.NotNull(run.EndedAt);
        Assert.Equal(paused.PausedReason, run.Message);
        Assert.StartsWith("Paused: ", run.Message, StringComparison.Ordinal);
        Assert.Contains("12300 of 15000 daily calls (82.0 %)", run.Message, StringComparison.Ordinal);
        Assert.Contains("as of 2026-11-02 09:", run.Message, StringComparison.Ordinal);
        Assert.Contains("80.0 % pause threshold", run.Message, StringComparison.Ordinal);
        Assert.Contains("resumes below 75.0 %", run.Message, StringComparison.Ordinal);
        Assert.Equal(0, salesforce.UsageReads);
    }

    [Fact]
    public async Task A_paused_planner_stays_paused_between_the_resume_level_and_the_threshold()
    {
        var (h, salesforce, _) = PlannerTestPorts.Create();
        using var _h = h;
        var account = await PushUsageOverTheThresholdAsync(h);
        Assert.True((await h.Planner.PlanAsync(Request("paused"))).Paused);
        h.Salesforce.Edit(account, Fields.Of(("Phone", "2")));

        // Usage fell to 11,700 (78 %): below the threshold, not below the resume level. The figure is too old to trust,
        // so the paused planner reads /limits once — and no feed.
        h.Time.Advance(TimeSpan.FromMinutes(11));
        h.Salesforce.UsageOnNextCall(11_700);
        var (usageReads, changeReads) = (salesforce.UsageReads, salesforce.ChangeReads);
        var still = await h.Planner.PlanAsync(Request("still"));

        Assert.True(still.Paused);
        Assert.Empty(still.Messages);
        Assert.Equal((usageReads + 1, changeReads), (salesforce.UsageReads, salesforce.ChangeReads));
        var run = (await h.History.GetAsync("still"))!;
        Assert.Equal(RunStatus.Paused, run.Status);
        Assert.StartsWith("Paused (still): ", run.Message, StringComparison.Ordinal);
        Assert.Contains("11700 of 15000 daily calls (78.0 %)", run.Message, StringComparison.Ordinal);
        Assert.Contains("not below the 75.0 % resume level", run.Message, StringComparison.Ordinal);

        // A minute later the figure is fresh: still paused, and not even the /limits call.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var calls = h.Salesforce.Calls;
        Assert.True((await h.Planner.PlanAsync(Request("still-fresh"))).Paused);
        Assert.Equal(calls, h.Salesforce.Calls);
    }

    [Fact]
    public async Task A_paused_planner_resumes_below_the_threshold_minus_the_margin_and_says_so()
    {
        var (h, salesforce, _) = PlannerTestPorts.Create();
        using var _h = h;
        var account = await PushUsageOverTheThresholdAsync(h);
        Assert.True((await h.Planner.PlanAsync(Request("paused"))).Paused);
        h.Salesforce.Edit(account, Fields.Of(("Phone", "2")));

        h.Time.Advance(TimeSpan.FromMinutes(11));
        h.Salesforce.UsageOnNextCall(11_200); // 74.7 %, below 75 %
        var calls = h.Salesforce.Calls;
        var resumed = await h.Planner.PlanAsync(Request("resumed"));

        Assert.False(resumed.Paused);
        Assert.Contains(resumed.Messages.SelectMany(m => m.Keys), k => k.SalesforceId == account);
        Assert.Equal(2, h.Salesforce.Calls - calls); // one /limits reading, one feed read
        Assert.Equal(1, salesforce.UsageReads);
        var run = (await h.History.GetAsync("resumed"))!;
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.StartsWith("Resumed: Salesforce API usage is 11200 of 15000 daily calls (74.7 %)", run.Message, StringComparison.Ordinal);
        Assert.Contains("below the 75.0 % resume level", run.Message, StringComparison.Ordinal);
        Assert.EndsWith("1 changed records in 1 batches.", run.Message, StringComparison.Ordinal);

        // Resumed means not paused any more: usage between the thresholds no longer stops planning.
        await h.Applier.ApplyAsync(resumed.Messages.Single());
        h.Time.Advance(TimeSpan.FromMinutes(5));
        h.Salesforce.Edit(account, Fields.Of(("Phone", "3")));
        h.Salesforce.UsageOnNextCall(11_900);
        Assert.False((await h.Planner.PlanAsync(Request("after"))).Paused);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        var next = await h.Planner.PlanAsync(Request("after-2"));
        Assert.False(next.Paused);
        Assert.Equal(1, salesforce.UsageReads); // a planner that is not paused never reads /limits
    }

    [Fact]
    public async Task A_restart_while_paused_keeps_the_pause_and_reads_usage_once_to_decide()
    {
        var (h, salesforce, _) = PlannerTestPorts.Create();
        using var _h = h;
        var account = await PushUsageOverTheThresholdAsync(h);
        Assert.True((await h.Planner.PlanAsync(Request("paused"))).Paused);
        h.Salesforce.Edit(account, Fields.Of(("Phone", "2")));

        // A new process knows no usage figure; the run history says the planner is paused.
        salesforce.Restart();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        h.Salesforce.UsageOnNextCall(11_700);
        var calls = h.Salesforce.Calls;
        var afterRestart = await h.Planner.PlanAsync(Request("after-restart"));

        Assert.True(afterRestart.Paused);
        Assert.Empty(afterRestart.Messages);
        Assert.Equal((1, 1), (h.Salesforce.Calls - calls, salesforce.UsageReads));
        Assert.Equal(RunStatus.Paused, (await h.History.GetAsync("after-restart"))!.Status);

        // Restarted again, below the resume level now: it reads usage once, resumes and plans.
        salesforce.Restart();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        h.Salesforce.UsageOnNextCall(10_000);
        var resumed = await h.Planner.PlanAsync(Request("resumed"));
        Assert.False(resumed.Paused);
        Assert.Contains(resumed.Messages.SelectMany(m => m.Keys), k => k.SalesforceId == account);
        Assert.Equal(2, salesforce.UsageReads);
    }

    [Fact]
    public async Task A_usage_figure_older_than_ApiUsageMaxAge_is_unknown()
    {
        var (h, salesforce, _) = PlannerTestPorts.Create();
        using var _h = h;
        var account = await PushUsageOverTheThresholdAsync(h);

        // Not paused: an old figure over the threshold does not pause; the feed read brings a fresh one.
        h.Time.Advance(TimeSpan.FromMinutes(6)); // 11 minutes after the figure
        h.Salesforce.Edit(account, Fields.Of(("Phone", "2")));
        h.Salesforce.UsageOnNextCall(12_400);
        var planned = await h.Planner.PlanAsync(Request("old-figure"));
        Assert.False(planned.Paused);
        Assert.Single(planned.Messages);
        Assert.Equal(0, salesforce.UsageReads);

        // That fresh figure pauses the next run; ten minutes on it is still trusted (no call), eleven minutes on it is not.
        Assert.True((await h.Planner.PlanAsync(Request("paused"))).Paused);
        h.Time.Advance(TimeSpan.FromMinutes(10));
        var calls = h.Salesforce.Calls;
        Assert.True((await h.Planner.PlanAsync(Request("ten-minutes"))).Paused);
        Assert.Equal(calls, h.Salesforce.Calls);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        h.Salesforce.UsageOnNextCall(12_500);
        Assert.True((await h.Planner.PlanAsync(Request("eleven-minutes"))).Paused);
        Assert.Equal((calls + 1, 1), (h.Salesforce.Calls, salesforce.UsageReads));
        Assert.Contains("12500 of 15000", (await h.History.GetAsync("eleven-minutes"))!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paused_planner_that_cannot_read_usage_stays_paused_and_says_why()
    {
        var (h, _, _) = PlannerTestPorts.Create();
        using var _h = h;
        await PushUsageOverTheThresholdAsync(h);
        Assert.True((await h.Planner.PlanAsync(Request("paused"))).Paused);

        h.Time.Advance(TimeSpan.FromMinutes(11));
        h.Salesforce.Unavailable = "503 Service Unavailable";
        var down = await h.Planner.PlanAsync(Request("down"));

        Assert.True(down.Paused);
        var run = (await h.History.GetAsync("down"))!;
        Assert.Equal(RunStatus.Paused, run.Status);
        Assert.Contains("could not be read", run.Message, StringComparison.Ordinal);
        Assert.Contains("503 Service Unavailable", run.Message, StringComparison.Ordinal);

        h.Salesforce.Unavailable = null;
        h.Time.Advance(TimeSpan.FromMinutes(5));
        h.Salesforce.UsageOnNextCall(9_000);
        Assert.False((await h.Planner.PlanAsync(Request("up"))).Paused);
    }

    [Fact]
    public async Task Single_record_syncs_between_planner_runs_do_not_lift_the_pause()
    {
        var (h, _, _) = PlannerTestPorts.Create();
        using var _h = h;
        var account = await PushUsageOverTheThresholdAsync(h);
        Assert.True((await h.Planner.PlanAsync(Request("paused"))).Paused);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.History.TrySaveAsync(new SyncRun("record-sync", RunTrigger.Record, h.Time.GetUtcNow(), h.Time.GetUtcNow(), RunStatus.Succeeded, 1, 1, BatchSummary.Empty, null));
        await h.History.TrySaveAsync(new SyncRun("bad-message", RunTrigger.Message, h.Time.GetUtcNow(), h.Time.GetUtcNow(), RunStatus.Failed, 0, 0, BatchSummary.Empty, "unreadable"));

        h.Time.Advance(TimeSpan.FromMinutes(11));
        h.Salesforce.UsageOnNextCall(11_700);
        Assert.True((await h.Planner.PlanAsync(Request("still"))).Paused);
        Assert.DoesNotContain((await h.Planner.PlanAsync(Request("still-2"))).Messages.SelectMany(m => m.Keys), k => k.SalesforceId == account);
    }

    // ---- Same-second SystemModstamp (issue 10, item 8) ----

    [Fact]
    public async Task A_newer_version_under_the_same_SystemModstamp_is_planned()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "1")));
        var stamp = h.Salesforce.Get(account).SystemModstamp;
        await h.SyncAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));

        // A second edit within the same second as the version planned: Salesforce gives it the same stamp.
        h.Salesforce.Edit(account, Fields.Of(("Phone", "2")));
        h.Salesforce.Get(account).SystemModstamp = stamp;
        var round = await h.SyncAsync();

        Assert.Contains(round.Plan.Messages.SelectMany(m => m.Keys), k => k.SalesforceId == account);
        Assert.Equal("2", Assert.Single(h.App.All(EntityKind.Account)).Fields["phone_number"]);

        // The same version read again through the overlap is not planned again.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty((await h.SyncAsync()).Plan.Messages);
    }

    [Fact]
    public async Task A_lost_plan_of_a_same_second_version_is_planned_again_from_the_committed_cursor()
    {
        using var h = new SyncHarness();
        h.App.Reject = (_, _) => ("ValidationFailed", "refused"); // stays unlinked: no echo filter, only the cursors decide
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var stamp = h.Salesforce.Get(account).SystemModstamp;
        await h.SyncUntilQuietAsync();
        h.Salesforce.Edit(account, Fields.Of(("Phone", "2")));
        h.Salesforce.Get(account).SystemModstamp = stamp;

        Assert.Single((await h.Planner.PlanAsync(Request("planned"))).Messages);
        foreach (var open in await h.State.GetOpenPlansAsync(EntityKind.Account))
        {
            await h.State.CloseAsync(open); // lost: only the fingerprint tells its position from the committed one
        }

        var replanned = await h.Planner.PlanAsync(Request("replanned"));

        Assert.Contains(replanned.Messages.SelectMany(m => m.Keys), k => k.SalesforceId == account);
    }

    [Fact]
    public async Task A_deletion_or_a_parent_change_under_the_same_SystemModstamp_is_planned()
    {
        using var h = new SyncHarness();
        var acme = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var globex = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Globex")));
        var wile = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Coyote"), ("Email", "wile@acme.com")), acme);
        var road = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Runner"), ("Email", "rr@acme.com")), acme);
        await h.SyncAsync();
        var (wileStamp, roadStamp) = (h.Salesforce.Get(wile).SystemModstamp, h.Salesforce.Get(road).SystemModstamp);
        h.Time.Advance(TimeSpan.FromMinutes(1)); // inside the lookback: both versions are read again

        h.Salesforce.Edit(wile, Fields.Of(), parent: globex);
        h.Salesforce.Get(wile).SystemModstamp = wileStamp;
        h.Salesforce.Delete(road);
        h.Salesforce.Get(road).SystemModstamp = roadStamp;
        var plan = await h.Planner.PlanAsync(Request("same-second"));

        var keys = plan.Messages.SelectMany(m => m.Keys).ToList();
        Assert.Contains(keys, k => k.SalesforceId == wile);
        Assert.Contains(keys, k => k.SalesforceId == road);
    }

    // ---- Work that settles (issue 10, item 12) ----

    [Fact]
    public async Task An_idle_run_after_convergence_writes_no_cursor_outbox_link_or_status_rows_and_makes_one_Salesforce_call()
    {
        var (h, _, cursors) = PlannerTestPorts.Create();
        using var _h = h;
        var acme = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "1")));
        h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Coyote"), ("Email", "wile@acme.com")), acme);
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Initech")));
        h.App.Create(EntityKind.Contact, Fields.Of(("name", "Peter Gibbons"), ("email", "peter@initech.com")), parent: customer);
        var gone = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Gone")));
        h.Salesforce.Delete(gone);
        await h.SyncUntilQuietAsync();

        var before = (cursors.Saves, h.State.LinkWriteCalls, h.State.Statuses.Count, Outbox(h.State), h.Salesforce.Calls);
        var idle = await h.SyncAsync();

        Assert.Empty(idle.Plan.Messages);
        Assert.Equal(before.Saves, cursors.Saves);
        Assert.Equal(before.LinkWriteCalls, h.State.LinkWriteCalls);
        Assert.Equal(before.Item3, h.State.Statuses.Count);
        Assert.Equal(before.Item4, Outbox(h.State));
        Assert.Equal(1, h.Salesforce.Calls - before.Calls);
        Assert.Equal(RunStatus.Succeeded, (await h.History.GetAsync(idle.RunId))!.Status);

        // And the next one, five minutes on, still inside the lookback window of the last changes.
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty((await h.SyncAsync()).Plan.Messages);
        Assert.Equal(before.Saves, cursors.Saves);
    }

    /// <summary>Two accounts synced an hour apart, so the Account cursor has been committed through two plans.</summary>
    private static async Task<(SyncHarness H, CopyingCursorStore Cursors, CursorState State)> TwoSyncedRunsApartAsync()
    {
        var (h, _, cursors) = PlannerTestPorts.Create();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        await h.SyncUntilQuietAsync();
        h.Time.Advance(TimeSpan.FromHours(1));
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Globex")));
        await h.SyncUntilQuietAsync();
        return (h, cursors, (await h.State.GetAsync(EntityKind.Account))!);
    }

    [Fact]
    public async Task A_plan_left_by_a_planner_that_lost_the_race_for_the_cursor_never_moves_the_committed_cursor_back()
    {
        var (h, cursors, state) = await TwoSyncedRunsApartAsync();
        using var _h = h;

        // A second planner of that last sequence saved its plan — from an older read — and died before it could withdraw it.
        var orphan = new Plan("account-orphan", "run-lost", EntityKind.Account, state.PlanSequence, h.Time.GetUtcNow(), 1, FeedPosition.Start);
        await h.State.SaveAsync(orphan, [new PlannedBatch(orphan.PlanId, "b-orphan", "run-lost", EntityKind.Account, [], false, BatchStatus.Done, 1, h.Time.GetUtcNow(), null, null)]);
        var saves = cursors.Saves;

        var run = await h.SyncAsync();
        h.Time.Advance(TimeSpan.FromMinutes(5));
        var idle = await h.SyncAsync();

        Assert.Empty(await h.State.GetOpenPlansAsync(EntityKind.Account));
        Assert.Equal(state.Committed, (await h.State.GetAsync(EntityKind.Account))!.Committed);
        Assert.Equal(saves, cursors.Saves); // neither a step back nor the re-read it would cause
        Assert.Empty(run.Plan.Messages.Concat(idle.Plan.Messages));
    }

    [Fact]
    public async Task A_plan_numbered_past_the_cursor_by_a_planner_that_died_after_losing_the_race_goes_once_older_than_the_stall_timeout()
    {
        var (h, cursors, state) = await TwoSyncedRunsApartAsync();
        using var _h = h;

        // Seed 182449: a planner saved the next sequence's plan from an older read, lost the race for the cursor and was
        // killed before it could withdraw the plan. Until the stall timeout it may be a planner on its way to the cursor.
        var orphan = new Plan("account-orphan", "run-lost", EntityKind.Account, state.PlanSequence + 1, h.Time.GetUtcNow(), 1, FeedPosition.Start, Predecessor: "account-older");
        await h.State.SaveAsync(orphan, [new PlannedBatch(orphan.PlanId, "b-orphan", "run-lost", EntityKind.Account, [], false, BatchStatus.Done, 1, h.Time.GetUtcNow(), null, null)]);
        h.Time.Advance(TimeSpan.FromMinutes(31));
        var saves = cursors.Saves;

        var run = await h.SyncAsync();
        h.Time.Advance(TimeSpan.FromMinutes(5));
        var idle = await h.SyncAsync();

        Assert.Empty(await h.State.GetOpenPlansAsync(EntityKind.Account));
        Assert.Equal(state.Committed, (await h.State.GetAsync(EntityKind.Account))!.Committed);
        Assert.Equal(saves, cursors.Saves);
        Assert.Empty(run.Plan.Messages.Concat(idle.Plan.Messages));
    }

    [Fact]
    public async Task A_failed_an_unlinked_and_a_deleted_record_inside_the_lookback_window_are_not_planned_again()
    {
        using var h = new SyncHarness();
        h.App.Reject = (_, fields) => fields.GetValueOrDefault("name") == "Rejected Co" ? ("ValidationFailed", "name is reserved") : null;
        var rejected = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Rejected Co")));
        h.App.Create(EntityKind.Contact, Fields.Of(("name", "Do Not Sync"), ("email", "private@example.com")), syncDisabled: true);
        var unlinked = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Private"), ("Email", "private@example.com")));
        var tombstone = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Short-lived")));
        h.Salesforce.Delete(tombstone);
        var troublemakers = new[] { rejected, unlinked, tombstone };

        // Then, inside the same lookback window, more changes than the old overlap memory held (20,000).
        var burst = CreateBurst(h, 20_001, h.Salesforce.Get(tombstone).SystemModstamp.AddSeconds(30));
        var first = await h.Planner.PlanAsync(Request("first"));
        Assert.Equal(20_005, first.NewKeys); // with the app contact flagged sync_disabled
        var withTroublemakers = first.Messages.Where(m => m.Keys.Any(k => k.SalesforceId is { } id && troublemakers.Contains(id))).ToList();
        foreach (var message in withTroublemakers)
        {
            await h.Applier.ApplyAsync(message);
        }

        await MarkAllDoneAsync(h); // the burst's batches were applied elsewhere
        Assert.Contains(h.State.Statuses, st => st.SalesforceId == rejected && st.ErrorCode is not null);
        Assert.DoesNotContain(h.State.Links, l => l.SalesforceId is { } id && troublemakers.Contains(id));

        h.Time.Advance(TimeSpan.FromMinutes(5)); // all of them are still inside the 10-minute lookback
        var idle = await h.Planner.PlanAsync(Request("idle"));

        Assert.DoesNotContain(idle.Messages.SelectMany(m => m.Keys), k => k.SalesforceId is { } id && troublemakers.Contains(id));
        Assert.Equal(0, idle.NewKeys);
        var accounts = (await h.State.GetAsync(EntityKind.Account))!;
        Assert.Equal(burst.Count + 2, accounts.Planned.RecentSalesforce.Count);
        Assert.Equal(accounts.Planned, accounts.Committed);
    }

    [Fact]
    public async Task A_record_that_fails_again_after_each_change_is_planned_once_per_version()
    {
        // Never linked, so the echo filter cannot drop it: only the overlap memory keeps it from being planned again.
        using var h = new SyncHarness();
        h.App.Reject = (_, _) => ("ValidationFailed", "the app refuses every customer");
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Refused")));

        var planned = new List<int>();
        for (var run = 0; run < 5; run++)
        {
            if (run == 2)
            {
                h.Salesforce.Edit(account, Fields.Of(("Phone", "1"))); // a new version: planned once more, then remembered
            }

            var round = await h.SyncAsync();
            planned.Add(round.Plan.Messages.SelectMany(m => m.Keys).Count(k => k.SalesforceId == account));
            h.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([1, 0, 1, 0, 0], planned);
        Assert.Empty(h.State.Links);
    }

    [Fact]
    public async Task A_lookback_window_fuller_than_MaxKeysPerRun_still_moves_on_to_new_changes()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:Planning:MaxKeysPerRun"] = "200", ["Sync:Planning:ChangePageSize"] = "100" });
        var burst = CreateBurst(h, 450, h.Time.GetUtcNow());
        var fresh = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "New after the burst")));

        // Each run plans at most 200 new keys; the remembered overlap it re-reads does not count against that.
        var planned = new List<RecordKey>();
        for (var run = 0; run < 3; run++)
        {
            planned.AddRange((await h.Planner.PlanAsync(Request($"run-{run}"))).Messages.SelectMany(m => m.Keys));
            await MarkAllDoneAsync(h);
            h.Time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Contains(planned, k => k.SalesforceId == fresh);
        Assert.Equal(451, planned.Select(k => k.SalesforceId).Distinct().Count());
        Assert.Equal(burst.Count + 1, planned.Count);
    }

    [Fact]
    public async Task A_window_with_more_changes_than_the_cursor_holds_forgets_the_oldest_and_plans_them_again()
    {
        using var h = new SyncHarness();
        var oldest = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Oldest in the window")));
        CreateBurst(h, FeedPosition.MaxRecent, h.Salesforce.Get(oldest).SystemModstamp.AddSeconds(30));
        await h.Planner.PlanAsync(Request("burst"));
        await MarkAllDoneAsync(h);
        var cursor = (await h.State.GetAsync(EntityKind.Account))!;
        Assert.Equal(FeedPosition.MaxRecent, cursor.Planned.RecentSalesforce.Count);
        Assert.False(cursor.Planned.RecentSalesforce.ContainsKey(oldest));

        // Planned again, never skipped; and only that one.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await h.Planner.PlanAsync(Request("again"));
        Assert.Equal(oldest, Assert.Single(Assert.Single(again.Messages).Keys).SalesforceId);
    }

    [Fact]
    public async Task Versions_that_fell_below_the_lookback_window_are_forgotten()
    {
        using var h = new SyncHarness();
        var early = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Early")));
        await h.SyncAsync();
        h.Time.Advance(TimeSpan.FromMinutes(11));
        var late = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Late")));
        await h.SyncAsync();

        var recent = (await h.State.GetAsync(EntityKind.Account))!.Planned.RecentSalesforce;
        Assert.Equal([late], recent.Keys);
        Assert.NotEqual(SeenVersion.UnknownFingerprint, recent[late].Fingerprint);
        Assert.Equal(h.Salesforce.Get(late).SystemModstamp, recent[late].SystemModstamp);
        Assert.NotEqual(early, late);
    }

    [Fact]
    public async Task A_cursor_rewinds_only_when_the_outbox_lost_a_plan_not_when_its_positions_are_equal_copies()
    {
        var (h, _, cursors) = PlannerTestPorts.Create();
        using var _h = h;
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        await h.SyncUntilQuietAsync();
        var cursor = (await h.Get<ICursorStore>().GetAsync(EntityKind.Account))!;
        Assert.Equal(cursor.Planned, cursor.Committed);
        Assert.NotSame(cursor.Planned, cursor.Committed);
        var saves = cursors.Saves;

        await h.Planner.PlanAsync(Request("idle"));

        Assert.Equal(saves, cursors.Saves);
    }

    /// <summary>Salesforce accounts all changed within half a minute from <paramref name="from"/>, as a bulk job stamps
    /// them (the fake org otherwise stamps one second apart).</summary>
    private static List<SalesforceId> CreateBurst(SyncHarness h, int count, DateTimeOffset from)
    {
        var ids = new List<SalesforceId>(count);
        for (var i = 0; i < count; i++)
        {
            var id = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Bulk {i}")));
            h.Salesforce.Get(id).SystemModstamp = from.AddSeconds(i % 30);
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Marks every batch in the outbox done, as the queue trigger would after applying them.</summary>
    private static async Task MarkAllDoneAsync(SyncHarness h)
    {
        foreach (var batch in h.State.Batches.Where(b => b.Status != BatchStatus.Done))
        {
            Assert.True(await h.State.TryUpdateBatchAsync(batch with { Status = BatchStatus.Done }));
        }
    }

    private static string Outbox(FakeSyncState state) =>
        string.Join(";", state.Batches.OrderBy(b => b.BatchId, StringComparer.Ordinal).Select(b => $"{b.BatchId}:{b.ETag}"))
        + "|" + string.Join(";", EntityKindNames.All.SelectMany(e => state.GetOpenPlansAsync(e).Result).Select(p => $"{p.PlanId}:{p.ETag}"));
}
