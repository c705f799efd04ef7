using Microsoft.Extensions.DependencyInjection;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.State;
using SfSync.State.Tables;
using SfSync.Tests.Fakes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.State.Tables;

/// <summary>The whole engine with its state in real Table Storage (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public class EngineOnTablesTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_first_sync_links_merges_and_then_stays_quiet()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:AccountMatching"] = "ExactName" }, azurite.ConnectionString);
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Description", "Trade show A"), ("BillingState", null)));
        h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Wile"), ("LastName", "Coyote"), ("Email", "wile@acme.com")), account);
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme"), ("description", "Search Terms"), ("state", "AZ")));
        h.App.Create(EntityKind.Contact, Fields.Of(("name", "Road Runner"), ("email", "rr@acme.com")), parent: customer);

        await h.SyncUntilQuietAsync();
        var quiet = await h.SyncAsync();

        Assert.Equal(("Trade show A", "AZ"), (h.App.Get(customer).Fields["description"], h.Salesforce.Get(account).Fields["BillingState"]));
        Assert.Equal(2, h.Salesforce.All(EntityKind.Contact).Count);
        Assert.Equal(2, h.App.All(EntityKind.Contact).Count);
        Assert.All(h.Salesforce.All(EntityKind.Contact), c => Assert.Equal(account, c.ParentId));
        Assert.All(h.App.All(EntityKind.Contact), c => Assert.Equal(customer, c.ParentId));
        Assert.Empty(quiet.Plan.Messages);
        Assert.Equal(RunStatus.Succeeded, (await h.History.GetAsync(quiet.RunId))!.Status);
        Assert.Equal(1, (await h.History.ListAsync(50)).Count(r => r.Totals.Conflicts == 1));
    }

    [Fact]
    public async Task A_cursor_never_moves_past_an_incomplete_plan_and_a_stalled_plan_is_sent_again()
    {
        using var h = new SyncHarness(tableConnection: azurite.ConnectionString);
        for (var i = 0; i < 250; i++)
        {
            h.App.Create(EntityKind.Account, Fields.Of(("name", $"Customer {i}")));
        }

        var plan = await h.Planner.PlanAsync(new PlanRequest("r", RunTrigger.Timer, EntityKindNames.All));
        await h.Applier.ApplyAsync(plan.Messages[0]); // the second message is lost by the host

        h.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty((await h.Planner.PlanAsync(new PlanRequest("r2", RunTrigger.Timer, EntityKindNames.All))).Messages);
        var cursors = h.Get<ICursorStore>();
        Assert.Null((await cursors.GetAsync(EntityKind.Account))!.Committed.AppCursor);

        h.Time.Advance(TimeSpan.FromMinutes(25));
        var resent = await h.Planner.PlanAsync(new PlanRequest("r3", RunTrigger.Timer, EntityKindNames.All));
        Assert.Equal(plan.Messages[1].BatchId, Assert.Single(resent.Messages).BatchId);
        await h.Applier.ApplyAsync(resent.Messages[0]);
        await h.Planner.PlanAsync(new PlanRequest("r4", RunTrigger.Timer, EntityKindNames.All));

        var cursor = (await cursors.GetAsync(EntityKind.Account))!;
        Assert.Equal(cursor.Planned.AppCursor, cursor.Committed.AppCursor);
        Assert.Equal(250, h.Salesforce.All(EntityKind.Account).Count);
        Assert.Equal(RunStatus.Succeeded, (await h.History.GetAsync("r"))!.Status);
        Assert.Empty(await h.Get<IPlanOutbox>().GetOpenPlansAsync(EntityKind.Account));
    }

    [Fact]
    public async Task Two_reconcilers_racing_on_one_key_end_with_one_winner_one_retry_and_no_lost_base()
    {
        var gate = new RaceGate(2);
        using var h = new SyncHarness(tableConnection: azurite.ConnectionString, configure: services =>
            services.AddSingleton<ILinkStore>(sp => new GatedLinkStore(sp.GetRequiredService<LinkTable>(), gate)));
        var sf = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "1")));
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme"), ("phone_number", "1")));
        await h.Get<ILinkStore>().WriteAsync([new LinkWrite(null, new Link(EntityKind.Account, sf, app, LinkState.Active, Fields.Of(("name", "Acme"), ("phone_number", "1")), null, null, 0, h.Time.GetUtcNow(), h.Time.GetUtcNow()))]);
        h.App.Edit(app, Fields.Of(("phone_number", "2")));
        gate.Arm();

        var results = await Task.WhenAll(
            Task.Run(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app))),
            Task.Run(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(sf))));

        Assert.Equal(1, gate.LostRaces);
        Assert.All(results, r => Assert.DoesNotContain(r.Outcomes, o => o.Failed));
        var link = Assert.Single(await h.Get<ILinkStore>().FindAsync(EntityKind.Account, [sf], []));
        Assert.Equal("2", link.Base!["phone_number"]);
        Assert.Equal("2", h.Salesforce.Get(sf).Fields["Phone"]);
    }

    [Fact]
    public async Task Applying_a_batch_of_200_linked_accounts_costs_at_most_20_reads_and_12_writes_in_Table_Storage()
    {
        using var h = new SyncHarness(tableConnection: azurite.ConnectionString);
        for (var i = 0; i < 200; i++)
        {
            h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Account {i}")));
        }

        await h.SyncUntilQuietAsync();
        foreach (var account in h.Salesforce.All(EntityKind.Account))
        {
            h.Salesforce.Edit(account.Id, Fields.Of(("Phone", "555-0100")));
        }

        var message = Assert.Single((await h.Planner.PlanAsync(new PlanRequest("measured", RunTrigger.Timer, [EntityKind.Account]))).Messages);
        var requests = h.Get<StateRequestCounter>();
        var (reads, writes) = (requests.Reads, requests.Writes);

        var applied = await h.Applier.ApplyAsync(message);

        Assert.Equal(200, applied.Summary.App.Updated);
        var (batchReads, batchWrites) = (requests.Reads - reads, requests.Writes - writes);
        output.WriteLine($"Table Storage round trips for one batch of 200 linked accounts: {batchReads} reads, {batchWrites} writes");
        Assert.InRange(batchReads, 1, 20);
        Assert.InRange(batchWrites, 1, 12); // the links are written twice: claimed before the sides, stored after (docs/state.md)
    }

    /// <summary>Holds every link write until <c>n</c> writers arrive once armed, so they race for real.</summary>
    private sealed class RaceGate(int writers)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;
        private bool _armed;
        private int _lost;

        public int LostRaces => _lost;

        public void Arm() => _armed = true;

        public async Task PassAsync()
        {
            if (!_armed)
            {
                return;
            }

            if (Interlocked.Increment(ref _arrived) >= writers)
            {
                _open.TrySetResult();
            }

            await _open.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        public void Lost() => Interlocked.Increment(ref _lost);
    }

    private sealed class GatedLinkStore(ILinkStore inner, RaceGate gate) : ILinkStore
    {
        public Task<IReadOnlyList<Link>> FindAsync(EntityKind entity, IReadOnlyCollection<SalesforceId> salesforceIds, IReadOnlyCollection<AppId> appIds, CancellationToken cancellationToken = default) =>
            inner.FindAsync(entity, salesforceIds, appIds, cancellationToken);

        public Task<IReadOnlyList<Link>> PendingCreatesAsync(EntityKind entity, CancellationToken cancellationToken = default) =>
            inner.PendingCreatesAsync(entity, cancellationToken);

        public async Task<IReadOnlyList<LinkWriteResult>> WriteAsync(IReadOnlyList<LinkWrite> writes, CancellationToken cancellationToken = default)
        {
            await gate.PassAsync();
            var results = await inner.WriteAsync(writes, cancellationToken);
            foreach (var _ in results.Where(r => r.Conflict))
            {
                gate.Lost();
            }

            return results;
        }
    }
}
