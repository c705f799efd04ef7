using SfSync.Model;
using SfSync.State;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.State.Tables;

[Collection(AzuriteCollection.Name)]
public class CursorAndOutboxTableTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_cursor_with_a_large_overlap_window_round_trips_under_its_ETag()
    {
        using var state = new TableStateScope(azurite);
        var recent = Enumerable.Range(0, 20_000).ToDictionary(i => SalesforceId.Parse($"003A{i:D11}"), i => new SeenVersion(T0.AddSeconds(-i), (ulong)i + 1));
        var position = new FeedPosition(T0, recent, "app-cursor-42");

        Assert.True(await state.Cursors.TrySaveAsync(CursorState.Initial(EntityKind.Contact) with { Planned = position, PlanSequence = 3 }));
        var read = (await state.Cursors.GetAsync(EntityKind.Contact))!;

        Assert.Equal((T0, "app-cursor-42", 3L), (read.Planned.SalesforceWatermark!.Value, read.Planned.AppCursor, read.PlanSequence));
        Assert.Equal(recent, read.Planned.RecentSalesforce);
        Assert.Equal(FeedPosition.Start.AppCursor, read.Committed.AppCursor);
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
        var later = new Plan("p2", "r2", EntityKind.Account, 2, T0, 1, new FeedPosition(T0, new Dictionary<SalesforceId, SeenVersion>(), "c2"));
        var earlier = new Plan("p1", "r1", EntityKind.Account, 1, T0, 250, new FeedPosition(T0, new Dictionary<SalesforceId, SeenVersion>(), "c1"));
        await state.Outbox.SaveAsync(later, [Batch("p2", "b", keys)]);
        await state.Outbox.SaveAsync(earlier, Enumerable.Range(0, 250).Select(i => Batch("p1", $"b{i}", keys[..1])).ToArray());

        var open = await state.Outbox.GetOpenPlansAsync(EntityKind.Account);
        Assert.Equal(["p1", "p2"], open.Select(p => p.PlanId));
        Assert.Equal("c1", open[0].PositionAfter!.AppCursor);
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

    private static PlannedBatch Batch(string plan, string id, RecordKey[] keys) =>
        new(plan, id, "r", EntityKind.Account, keys, false, BatchStatus.Pending, 1, T0, null, null);
}
