using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.State;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.State.Tables;

[Collection(AzuriteCollection.Name)]
public class RunAndStatusTableTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Run_history_lists_newest_first_and_keeps_counts_and_errors()
    {
        using var state = new TableStateScope(azurite);
        var ledger = new RunLedger(state.Runs, state.Time);
        await ledger.StartAsync("first", RunTrigger.Timer);
        state.Time.Advance(TimeSpan.FromMinutes(5));
        await ledger.StartAsync("second", RunTrigger.Http);
        await ledger.AddPlannedAsync("second", 1, "1 batch");
        await ledger.AddBatchAsync("second", new BatchSummary(new SideCounts(Created: 2, Failed: 1), new SideCounts(Updated: 3), 1, 2, ["Account 001: REQUIRED_FIELD_MISSING: Name"]));

        var runs = await state.Runs.ListAsync(10);

        Assert.Equal(["second", "first"], runs.Select(r => r.RunId));
        var second = runs[0];
        Assert.Equal((RunStatus.CompletedWithErrors, RunTrigger.Http, 2, 1, 3), (second.Status, second.Trigger, second.Totals.Salesforce.Created, second.Totals.Salesforce.Failed, second.Totals.App.Updated));
        Assert.Equal(["Account 001: REQUIRED_FIELD_MISSING: Name"], second.Totals.Errors);
        Assert.Equal(second.EndedAt, (await state.Runs.GetAsync("second"))!.EndedAt);
    }

    [Fact]
    public async Task Concurrent_batches_of_one_run_are_all_counted_through_ETag_retries()
    {
        using var state = new TableStateScope(azurite);
        var ledger = new RunLedger(state.Runs, state.Time);
        await ledger.StartAsync("r", RunTrigger.Timer);
        await ledger.AddPlannedAsync("r", 8, null);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ledger.AddBatchAsync("r", new BatchSummary(new SideCounts(Updated: 1), SideCounts.Zero, 0, 0, []))));

        var run = (await state.Runs.GetAsync("r"))!;
        Assert.Equal((8, 8, RunStatus.Succeeded), (run.BatchesDone, run.Totals.Salesforce.Updated, run.Status));
    }

    [Fact]
    public async Task Runs_older_than_the_retention_expire_as_new_runs_start()
    {
        using var state = new TableStateScope(azurite, new Dictionary<string, string?> { ["Sync:State:RunRetention"] = "2.00:00:00" });
        var ledger = new RunLedger(state.Runs, state.Time);
        await ledger.StartAsync("old", RunTrigger.Timer);
        state.Time.Advance(TimeSpan.FromDays(3));

        await ledger.StartAsync("new", RunTrigger.Timer);

        Assert.Equal(["new"], (await state.Runs.ListAsync(10)).Select(r => r.RunId));
        Assert.Null(await state.Runs.GetAsync("old"));
    }

    [Fact]
    public async Task A_record_status_is_found_by_Salesforce_id_and_by_app_id()
    {
        using var state = new TableStateScope(azurite);
        var sf = SalesforceId.Parse("003A00000000001");
        var app = AppId.Parse("contact/9");
        await state.Links.WriteAsync([new LinkWrite(null, new Link(EntityKind.Contact, sf, app, LinkState.Active, null, null, null, 0, state.Time.GetUtcNow(), null))]);
        var now = state.Time.GetUtcNow();
        await state.Statuses.WriteAsync(
        [
            new RecordStatus(EntityKind.Contact, sf, app, "r1", "b1", now, null, "Failed(INVALID_EMAIL_ADDRESS)", "Unchanged", "INVALID_EMAIL_ADDRESS", "Email: invalid email address", null),
            new RecordStatus(EntityKind.Contact, null, AppId.Parse("contact/10"), "r1", "b1", now, now, "Skipped(SyncDisabled)", "Skipped(SyncDisabled)", "SyncDisabled", "flagged", null),
        ]);

        var bySf = (await state.Statuses.FindAsync(EntityKind.Contact, Side.Salesforce, sf.Value))!;
        var byApp = (await state.Statuses.FindAsync(EntityKind.Contact, Side.App, "contact/9"))!;
        var unlinked = (await state.Statuses.FindAsync(EntityKind.Contact, Side.App, "contact/10"))!;

        Assert.Equal(("INVALID_EMAIL_ADDRESS", "r1"), (bySf.ErrorCode, bySf.RunId));
        Assert.Equal(bySf, byApp);
        Assert.Equal("SyncDisabled", unlinked.ErrorCode);
        Assert.Null(await state.Statuses.FindAsync(EntityKind.Account, Side.Salesforce, sf.Value));
    }
}
