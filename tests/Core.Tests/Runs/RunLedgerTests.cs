using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Runs;

public class RunLedgerTests
{
    private static BatchSummary Batch(int created, int failed) =>
        new(new SideCounts(Created: created, Failed: failed), SideCounts.Zero, 0, 0, failed > 0 ? ["Account x: ValidationFailed: bad"] : []);

    [Fact]
    public async Task A_run_completes_when_its_last_batch_is_counted_with_totals_per_side()
    {
        using var h = new SyncHarness();
        var ledger = h.Get<RunLedger>();
        await ledger.StartAsync("r", RunTrigger.Timer);
        await ledger.AddPlannedAsync("r", 2, "2 batches");

        await ledger.AddBatchAsync("r", Batch(3, 0));
        Assert.Equal(RunStatus.Running, (await h.History.GetAsync("r"))!.Status);
        await ledger.AddBatchAsync("r", Batch(2, 1));

        var run = (await h.History.GetAsync("r"))!;
        Assert.Equal((RunStatus.CompletedWithErrors, 5, 1, 2), (run.Status, run.Totals.Salesforce.Created, run.Totals.Salesforce.Failed, run.BatchesDone));
        Assert.NotNull(run.EndedAt);
        Assert.Single(run.Totals.Errors);
    }

    [Fact]
    public async Task Concurrent_batches_are_all_counted()
    {
        using var h = new SyncHarness();
        var ledger = h.Get<RunLedger>();
        await ledger.StartAsync("r", RunTrigger.Http);
        await ledger.AddPlannedAsync("r", 20, null);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => ledger.AddBatchAsync("r", Batch(1, 0)))));

        var run = (await h.History.GetAsync("r"))!;
        Assert.Equal((RunStatus.Succeeded, 20, 20), (run.Status, run.BatchesDone, run.Totals.Salesforce.Created));
    }

    [Fact]
    public async Task History_lists_newest_first()
    {
        using var h = new SyncHarness();
        var ledger = h.Get<RunLedger>();
        await ledger.StartAsync("older", RunTrigger.Timer);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await ledger.StartAsync("newer", RunTrigger.Timer);

        Assert.Equal(["newer", "older"], (await h.History.ListAsync(10)).Select(r => r.RunId));
    }
}
