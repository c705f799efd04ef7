using SfSync.Model;
using SfSync.State;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.State.Tables;

[Collection(AzuriteCollection.Name)]
public class LinkTableTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static SalesforceId Sf(int n) => SalesforceId.Parse($"001A{n:D11}");

    private static Link NewLink(SalesforceId? sf, string? app, IReadOnlyDictionary<string, string?>? baseValues = null) =>
        new(EntityKind.Account, sf, app is null ? null : AppId.Parse(app), LinkState.Active, baseValues, null, T0, 7, T0, T0);

    [Fact]
    public async Task A_link_round_trips_and_is_found_by_either_id()
    {
        using var state = new TableStateScope(azurite);
        var baseValues = new Dictionary<string, string?> { ["name"] = "Acme", ["description"] = new string('x', 100_000), ["fax_number"] = null };
        var written = await state.Links.WriteAsync([new LinkWrite(null, NewLink(Sf(1), "cust/1#?", baseValues))]);

        var bySf = Assert.Single(await state.Links.FindAsync(EntityKind.Account, [Sf(1)], []));
        var byApp = Assert.Single(await state.Links.FindAsync(EntityKind.Account, [], [AppId.Parse("cust/1#?")]));

        Assert.False(written[0].Conflict);
        Assert.Equal(AppId.Parse("cust/1#?"), bySf.AppId);
        Assert.Equal(Sf(1), byApp.SalesforceId);
        Assert.Equal(baseValues, bySf.Base);
        Assert.Equal((T0, 7L, LinkState.Active), (bySf.SalesforceStamp!.Value, bySf.AppVersion, bySf.State));
        Assert.Empty(await state.Links.FindAsync(EntityKind.Contact, [Sf(1)], []));
    }

    [Fact]
    public async Task A_create_in_Salesforce_is_pending_until_its_marker_knows_the_new_id()
    {
        using var state = new TableStateScope(azurite);
        var marker = NewLink(null, "cust/2#?") with { State = LinkState.PendingCreateInSalesforce, Base = new Dictionary<string, string?> { ["name"] = "Acme" } };
        var stored = (await state.Links.WriteAsync([new LinkWrite(null, marker), new LinkWrite(null, NewLink(Sf(3), "cust-3"))])).Select(r => r.Stored!).ToList();

        var pending = Assert.Single(await state.Links.PendingCreatesAsync(EntityKind.Account));
        Assert.Equal((AppId.Parse("cust/2#?"), "Acme"), (pending.AppId!.Value, pending.Base!["name"]));
        Assert.Empty(await state.Links.PendingCreatesAsync(EntityKind.Contact));

        // The pending marker is as good as any read for a write: its ETag guards the link.
        var known = await state.Links.WriteAsync([new LinkWrite(pending, pending with { SalesforceId = Sf(2) })]);
        Assert.False(known[0].Conflict);
        Assert.Empty(await state.Links.PendingCreatesAsync(EntityKind.Account));
        Assert.True((await state.Links.WriteAsync([new LinkWrite(stored[0], null)]))[0].Conflict); // the old ETag is spent
    }

    [Fact]
    public async Task A_create_with_an_unaccounted_earlier_attempt_stays_pending_after_its_id_is_known_and_keeps_its_window()
    {
        using var state = new TableStateScope(azurite);
        var window = new UnaccountedCreate(T0, T0.AddMinutes(20));
        var marker = NewLink(null, "cust-4") with { State = LinkState.PendingCreateInSalesforce, Unaccounted = window };
        var stored = (await state.Links.WriteAsync([new LinkWrite(null, marker)]))[0].Stored!;

        var active = stored with { SalesforceId = Sf(4), State = LinkState.Active };
        Assert.False((await state.Links.WriteAsync([new LinkWrite(stored, active)]))[0].Conflict);

        var pending = Assert.Single(await state.Links.PendingCreatesAsync(EntityKind.Account));
        Assert.Equal((Sf(4), window), (pending.SalesforceId!.Value, pending.Unaccounted));
        Assert.Equal(window, Assert.Single(await state.Links.FindAsync(EntityKind.Account, [Sf(4)], [])).Unaccounted);

        // Deleting the link takes its pending row with it.
        Assert.False((await state.Links.WriteAsync([new LinkWrite(pending, null)]))[0].Conflict);
        Assert.Empty(await state.Links.PendingCreatesAsync(EntityKind.Account));
    }

    [Fact]
    public async Task An_insert_fails_when_either_id_is_already_linked()
    {
        using var state = new TableStateScope(azurite);
        await state.Links.WriteAsync([new LinkWrite(null, NewLink(Sf(1), "a"))]);

        var results = await state.Links.WriteAsync(
        [
            new LinkWrite(null, NewLink(Sf(1), "b")),
            new LinkWrite(null, NewLink(Sf(2), "a")),
            new LinkWrite(null, NewLink(null, "c")),
        ]);

        Assert.Equal([true, true, false], results.Select(r => r.Conflict));
        Assert.Null((await state.Links.FindAsync(EntityKind.Account, [], [AppId.Parse("b")])).SingleOrDefault());
    }

    [Fact]
    public async Task A_replace_under_a_stale_ETag_is_a_lost_race_and_changes_nothing()
    {
        using var state = new TableStateScope(azurite);
        await state.Links.WriteAsync([new LinkWrite(null, NewLink(Sf(1), "a"))]);
        var read = Assert.Single(await state.Links.FindAsync(EntityKind.Account, [Sf(1)], []));
        var winner = await state.Links.WriteAsync([new LinkWrite(read, read with { AppVersion = 8 })]);

        var loser = await state.Links.WriteAsync([new LinkWrite(read, read with { AppVersion = 9 })]);

        Assert.False(winner[0].Conflict);
        Assert.True(loser[0].Conflict);
        Assert.Equal(8, Assert.Single(await state.Links.FindAsync(EntityKind.Account, [], [AppId.Parse("a")])).AppVersion);
    }

    [Fact]
    public async Task A_marker_gains_its_Salesforce_id_and_a_deleted_link_frees_both_ids()
    {
        using var state = new TableStateScope(azurite);
        var marker = (await state.Links.WriteAsync([new LinkWrite(null, NewLink(null, "a") with { State = LinkState.PendingCreateInSalesforce })]))[0].Stored!;

        var linked = (await state.Links.WriteAsync([new LinkWrite(marker, marker with { SalesforceId = Sf(5), State = LinkState.Active })]))[0].Stored!;
        Assert.Equal(LinkState.Active, Assert.Single(await state.Links.FindAsync(EntityKind.Account, [Sf(5)], [])).State);

        var found = Assert.Single(await state.Links.FindAsync(EntityKind.Account, [], [AppId.Parse("a")]));
        Assert.False((await state.Links.WriteAsync([new LinkWrite(found, null)]))[0].Conflict);
        Assert.Empty(await state.Links.FindAsync(EntityKind.Account, [Sf(5)], [AppId.Parse("a")]));
        Assert.NotNull(linked.ETag);
    }

    [Fact]
    public async Task One_lost_race_among_many_writes_fails_only_that_write()
    {
        using var state = new TableStateScope(azurite);
        var inserts = Enumerable.Range(0, 150).Select(i => new LinkWrite(null, NewLink(Sf(i), $"app-{i}"))).ToList();
        await state.Links.WriteAsync(inserts);
        var links = await state.Links.FindAsync(EntityKind.Account, Enumerable.Range(0, 150).Select(Sf).ToList(), []);
        var stale = links.Single(l => l.SalesforceId == Sf(70));
        await state.Links.WriteAsync([new LinkWrite(stale, stale with { AppVersion = 100 })]);

        var results = await state.Links.WriteAsync(links.Select(l => new LinkWrite(l, l with { AppVersion = 200 })).ToList());

        Assert.Equal(149, results.Count(r => !r.Conflict));
        Assert.True(results[links.ToList().IndexOf(stale)].Conflict);
        var after = await state.Links.FindAsync(EntityKind.Account, Enumerable.Range(0, 150).Select(Sf).ToList(), []);
        Assert.Equal(149, after.Count(l => l.AppVersion == 200));
        Assert.Equal(100, after.Single(l => l.SalesforceId == Sf(70)).AppVersion);
    }

    [Fact]
    public async Task Looking_up_200_links_takes_at_most_15_reads_and_writing_them_at_most_4_transactions()
    {
        using var state = new TableStateScope(azurite);
        await state.Links.FindAsync(EntityKind.Account, [Sf(0)], []); // creates the table
        var ids = Enumerable.Range(0, 200).Select(Sf).ToList();
        var (reads, writes) = (state.Requests.Reads, state.Requests.Writes);

        await state.Links.WriteAsync(ids.Select((id, i) => new LinkWrite(null, NewLink(id, $"app-{i}"))).ToList());
        var afterWrite = state.Requests.Writes;
        var found = await state.Links.FindAsync(EntityKind.Account, ids, Enumerable.Range(0, 200).Select(i => AppId.Parse($"app-{i}")).ToList());

        Assert.Equal(200, found.Count);
        Assert.InRange(afterWrite - writes, 1, 4);
        Assert.InRange(state.Requests.Reads - reads, 1, 15);
    }

    [Fact]
    public async Task Looking_up_3000_links_scans_their_range_in_a_few_pages_instead_of_215_point_queries()
    {
        using var state = new TableStateScope(azurite);
        var ids = Enumerable.Range(0, 3_000).Select(Sf).ToList();
        await state.Links.WriteAsync(ids.Select((id, i) => new LinkWrite(null, NewLink(id, $"app-{i:D4}"))).ToList());
        var reads = state.Requests.Reads;

        var found = await state.Links.FindAsync(EntityKind.Account, ids, Enumerable.Range(0, 3_000).Select(i => AppId.Parse($"app-{i:D4}")).ToList());

        Assert.Equal(3_000, found.Count);
        Assert.Equal(ids.ToHashSet(), found.Select(l => l.SalesforceId!.Value).ToHashSet());
        Assert.InRange(state.Requests.Reads - reads, 1, 8); // three pages of Salesforce-id rows; every app id is covered by them
    }

    [Fact]
    public async Task A_range_scan_that_meets_sparse_keys_hands_the_rest_to_point_queries_and_finds_exactly_the_links_there_are()
    {
        using var state = new TableStateScope(azurite);
        var ids = Enumerable.Range(0, 3_000).Select(Sf).ToList();
        await state.Links.WriteAsync(ids.Select((id, i) => new LinkWrite(null, NewLink(id, $"app-{i:D4}"))).ToList());
        // The first 1,000 links (one dense page), 23 spread over the other 2,000 (a sparse page stops the scan), and 10
        // ids after them that have no link.
        var wanted = ids.Take(1_000).Concat(ids.Skip(1_000).Where((_, i) => i % 90 == 0)).ToList();
        var absent = Enumerable.Range(5_000, 10).Select(Sf).ToList();
        var reads = state.Requests.Reads;

        var found = await state.Links.FindAsync(EntityKind.Account, wanted.Concat(absent).ToList(), []);

        Assert.Equal(wanted.ToHashSet(), found.Select(l => l.SalesforceId!.Value).ToHashSet());
        Assert.Equal(wanted.Count, found.Count);
        Assert.InRange(state.Requests.Reads - reads, 1, 6); // a dense page, a sparse one, then 21 keys in 2 point queries
    }
}
