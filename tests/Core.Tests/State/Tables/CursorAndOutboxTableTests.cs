using Azure.Data.Tables;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Runs;
using SfSync.State;
using SfSync.State.Tables;
using SfSync.Tests.Fakes;
using SfSync.Tests.Infrastructure;
using SfSync.Tests.Planning;

namespace SfSync.Tests.State.Tables;

[Collection(AzuriteCollection.Name)]
public class CursorAndOutboxTableTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_cursor_with_a_large_overlap_window_round_trips_under_its_ETag()
    {
        using var state = new TableStateScope(azurite);
        var recent = Enumerable.Range(0, 20_000).ToDictionary(i => SalesforceId.Parse($"003A{i:D11}"), i => new SeenVersion(T0.AddSeconds(-i), (ulong)i + 1));
        var position = new FeedPosition(T0, recent, "app-cursor-42", SalesforceSettled: T0.AddMinutes(-7));

        Assert.True(await state.Cursors.TrySaveAsync(CursorState.Initial(EntityKind.Contact) with { Planned = position, PlanSequence = 3, PlannedBy = "contact-0000000003-x" }));
        var read = (await state.Cursors.GetAsync(EntityKind.Contact))!;

        Assert.Equal((T0, "app-cursor-42", 3L, "contact-0000000003-x", T0.AddMinutes(-7)), (read.Planned.SalesforceWatermark!.Value, read.Planned.AppCursor, read.PlanSequence, read.PlannedBy, read.Planned.SalesforceSettled));
        Assert.Equal(recent, read.Planned.RecentSalesforce);
        Assert.Equal(position, read.Planned);
        Assert.Equal(FeedPosition.Start, read.Committed);
        Assert.Null(await state.Cursors.GetAsync(EntityKind.Account));
    }

    [Fact]
    public async Task Two_planners_saving_one_cursor_end_with_one_winner()
    {
        using var state = new TableStateScope(azurite);
        Assert.True(await state.Cursors.TrySaveAsync(CursorState.Initial(EntityKind.Account)));
        Assert.False(await state.Cursors.TrySaveAsync(CursorState.Initial(EntityKind.Account))); // a second insert
        var read = (await state.Cursors.GetAsync(EntityKind.Account))!;

        var first = await state.Cursors.TrySaveAsync(read with { PlanSequence = 1 });
        var second = await state.Cursors.TrySaveAsync(read with { PlanSequence = 2 });

        Assert.Equal((true, false), (first, second));
        Assert.Equal(1, (await state.Cursors.GetAsync(EntityKind.Account))!.PlanSequence);
    }

    [Fact]
    public async Task The_outbox_keeps_plans_in_sequence_and_batches_under_their_ETags_until_closed()
    {
        using var state = new TableStateScope(azurite);
        var keys = Enumerable.Range(0, 200).Select(i => new RecordKey(SalesforceId.Parse($"001A{i:D11}"), AppId.Parse($"c/{i}"))).ToArray();
        var later = new Plan("p2", "r2", EntityKind.Account, 2, T0, 1, new FeedPosition(T0, new Dictionary<SalesforceId, SeenVersion>(), "c2"), Predecessor: "p1");
        var earlier = new Plan("p1", "r1", EntityKind.Account, 1, T0, 250, new FeedPosition(T0, new Dictionary<SalesforceId, SeenVersion>(), "c1"));
        await state.Outbox.SaveAsync(later, [Batch("p2", "b", keys)]);
        await state.Outbox.SaveAsync(earlier, Enumerable.Range(0, 250).Select(i => Batch("p1", $"b{i}", keys[..1])).ToArray());

        var open = await state.Outbox.GetOpenPlansAsync(EntityKind.Account);
        Assert.Equal(["p1", "p2"], open.Select(p => p.PlanId));
        Assert.Equal("c1", open[0].PositionAfter!.AppCursor);
        Assert.Equal(((string?)null, "p1"), (open[0].Predecessor, open[1].Predecessor)); // the chain of plans that won the cursor
        Assert.Equal(250, (await state.Outbox.GetBatchesAsync("p1")).Count);

        var batch = (await state.Outbox.GetBatchAsync("p2", "b"))!;
        Assert.Equal(keys, batch.Keys);
        Assert.True(await state.Outbox.TryUpdateBatchAsync(batch with { Status = BatchStatus.Deferred, NextAttemptAt = T0.AddMinutes(1), LastReason = "503" }));
        Assert.False(await state.Outbox.TryUpdateBatchAsync(batch with { Status = BatchStatus.Done }));
        Assert.Equal(("503", BatchStatus.Deferred), ((await state.Outbox.GetBatchAsync("p2", "b"))!.LastReason, (await state.Outbox.GetBatchAsync("p2", "b"))!.Status));

        await state.Outbox.CloseAsync(open[0]);
        Assert.Equal(["p2"], (await state.Outbox.GetOpenPlansAsync(EntityKind.Account)).Select(p => p.PlanId));
        Assert.Empty(await state.Outbox.GetBatchesAsync("p1"));
    }

    [Fact]
    public async Task A_cursor_holding_the_most_versions_in_two_different_positions_still_fits_in_one_row()
    {
        using var h = new SyncHarness(tableConnection: azurite.ConnectionString);
        var cursors = h.Get<ICursorStore>();
        var random = new Random(42);
        var planned = new FeedPosition(T0, RandomVersions(random, FeedPosition.MaxRecent), "planned");
        var committed = new FeedPosition(T0.AddMinutes(-5), RandomVersions(random, FeedPosition.MaxRecent), "committed");

        // Worst case: random ids compress worst, and the two memories share nothing (the window turned over while a plan was open).
        Assert.True(await cursors.TrySaveAsync(CursorState.Initial(EntityKind.Account) with { Planned = planned, Committed = committed, PlanSequence = 9 }));
        var read = (await cursors.GetAsync(EntityKind.Account))!;

        Assert.Equal(planned, read.Planned);
        Assert.Equal((committed.SalesforceWatermark, committed.AppCursor), (read.Committed.SalesforceWatermark, read.Committed.AppCursor));
        Assert.Empty(read.Committed.RecentSalesforce); // left out: a rewind to it plans its window again, which is safe
        var row = await RowAsync(h, EntityKind.Account);
        output.WriteLine($"{FeedPosition.MaxRecent} versions with random ids: {PositionBlob.Bytes(row, "Planned")} bytes");
        Assert.InRange(PositionBlob.Bytes(row, "Planned"), 1, 14 * 64 * 1024);

        // The usual case, a few plans apart: Committed is stored as its differences from Planned, exactly.
        var close = new FeedPosition(T0.AddMinutes(-1), planned.RecentSalesforce.Skip(100).Concat(RandomVersions(random, 50)).ToDictionary(p => p.Key, p => p.Value), "close");
        Assert.True(await cursors.TrySaveAsync(read with { Committed = close }));
        read = (await cursors.GetAsync(EntityKind.Account))!;
        Assert.Equal(planned, read.Planned);
        Assert.Equal(close, read.Committed);
        Assert.InRange(PositionBlob.Bytes(await RowAsync(h, EntityKind.Account), "Committed"), 1, 5_000);

        // Ids of one org, as Salesforce hands them out, compress much better.
        var sequential = new FeedPosition(T0, Enumerable.Range(0, FeedPosition.MaxRecent).ToDictionary(i => SalesforceId.Parse($"0015g0000{i * 7:D6}"), i => new SeenVersion(T0.AddSeconds(-(i % 600)), (ulong)random.NextInt64(1, long.MaxValue))), "c");
        Assert.True(await cursors.TrySaveAsync(CursorState.Initial(EntityKind.Contact) with { Planned = sequential, Committed = sequential }));
        output.WriteLine($"{FeedPosition.MaxRecent} versions with sequential ids: {PositionBlob.Bytes(await RowAsync(h, EntityKind.Contact), "Planned")} bytes");
        Assert.Equal(sequential, (await cursors.GetAsync(EntityKind.Contact))!.Committed);
    }

    [Fact]
    public async Task Committed_equal_to_Planned_is_stored_once()
    {
        using var h = new SyncHarness(tableConnection: azurite.ConnectionString);
        var cursors = h.Get<ICursorStore>();
        var position = new FeedPosition(T0, RandomVersions(new Random(7), 5_000), "c");

        Assert.True(await cursors.TrySaveAsync(CursorState.Initial(EntityKind.Contact) with { Planned = position, Committed = position }));

        var row = await RowAsync(h, EntityKind.Contact);
        Assert.InRange(PositionBlob.Bytes(row, "Committed"), 1, 200);
        Assert.InRange(PositionBlob.Bytes(row, "Planned"), 30_000, 120_000);
        var read = (await cursors.GetAsync(EntityKind.Contact))!;
        Assert.Equal(position, read.Planned);
        Assert.Equal(position, read.Committed);
        Assert.NotSame(read.Planned, read.Committed);
    }

    [Fact]
    public async Task A_cursor_row_written_before_fingerprints_is_read_and_its_window_planned_once_more()
    {
        using var h = new SyncHarness(tableConnection: azurite.ConnectionString);
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var stamp = h.Salesforce.Get(account).SystemModstamp;

        // The row as the previous release wrote it: the memory as id → stamp ticks, Committed in full.
        var legacy = new LegacyPosition(stamp, new Dictionary<string, long> { [account.Value] = stamp.UtcTicks }, null);
        var row = new TableEntity("cursor", "Account") { ["PlanSequence"] = 4L };
        EntityBlob.Write(row, "Planned", legacy, StateJson.Options);
        EntityBlob.Write(row, "Committed", legacy, StateJson.Options);
        await (await h.Get<StateTables>().CursorsAsync(default)).AddEntityAsync(row);

        var read = (await h.Get<ICursorStore>().GetAsync(EntityKind.Account))!;
        Assert.Equal(4, read.PlanSequence);
        Assert.Equal(new SeenVersion(stamp, SeenVersion.UnknownFingerprint), read.Planned.RecentSalesforce[account]);
        Assert.Equal(read.Planned, read.Committed);

        // Without a fingerprint the version cannot be told from a newer one of the same second: planned once more, then not.
        var once = await h.Planner.PlanAsync(new PlanRequest("after-upgrade", RunTrigger.Timer, [EntityKind.Account]));
        Assert.Equal(account, Assert.Single(Assert.Single(once.Messages).Keys).SalesforceId);
        await h.Applier.ApplyAsync(once.Messages[0]);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty((await h.Planner.PlanAsync(new PlanRequest("settled", RunTrigger.Timer, [EntityKind.Account]))).Messages);
    }

    [Fact]
    public async Task An_idle_run_after_convergence_writes_only_its_run_history_rows_and_makes_one_Salesforce_call()
    {
        CountingRunHistory? history = null;
        using var h = new SyncHarness(tableConnection: azurite.ConnectionString, configure: services =>
            services.Decorate<IRunHistory>(inner => history = new CountingRunHistory(inner)));
        var acme = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "1")));
        h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Coyote"), ("Email", "wile@acme.com")), acme);
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Initech")));
        h.App.Create(EntityKind.Contact, Fields.Of(("name", "Peter Gibbons"), ("email", "peter@initech.com")), parent: customer);
        await h.SyncUntilQuietAsync();
        var requests = h.Get<StateRequestCounter>();

        for (var run = 0; run < 2; run++)
        {
            var (writes, saves, calls) = (requests.Writes, history!.Saves, h.Salesforce.Calls);
            var idle = await h.SyncAsync();

            Assert.Empty(idle.Plan.Messages);
            Assert.Equal(history.Saves - saves, requests.Writes - writes); // every table write of the run is a run-history row
            Assert.InRange(history.Saves - saves, 1, 2);
            Assert.Equal(1, h.Salesforce.Calls - calls);
            Assert.Equal(RunStatus.Succeeded, (await h.History.GetAsync(idle.RunId))!.Status);
            h.Time.Advance(TimeSpan.FromMinutes(5));
        }
    }

    private static async Task<TableEntity> RowAsync(SyncHarness h, EntityKind entity) =>
        (await (await h.Get<StateTables>().CursorsAsync(default)).GetEntityAsync<TableEntity>("cursor", entity.ToString())).Value;

    private static Dictionary<SalesforceId, SeenVersion> RandomVersions(Random random, int count)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var versions = new Dictionary<SalesforceId, SeenVersion>(count);
        while (versions.Count < count)
        {
            var id = SalesforceId.Parse("001" + new string(Enumerable.Range(0, 12).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
            versions[id] = new SeenVersion(T0.AddSeconds(-random.Next(600)), (ulong)random.NextInt64(1, long.MaxValue));
        }

        return versions;
    }

    private sealed record LegacyPosition(DateTimeOffset? W, Dictionary<string, long>? R, string? A);

    private static PlannedBatch Batch(string plan, string id, RecordKey[] keys) =>
        new(plan, id, "r", EntityKind.Account, keys, false, BatchStatus.Pending, 1, T0, null, null);
}
