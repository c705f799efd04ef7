using SfSync.Model;
using SfSync.Reconciling;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>At-least-once delivery must not matter: repeated, duplicated or reordered batches converge.</summary>
public class IdempotencyTests
{
    /// <summary>A small world with every kind of work: a conflict, a blank fill, a create each way, a delete.</summary>
    private static (SyncHarness H, RecordKey[] Keys) World()
    {
        var h = new SyncHarness();
        var conflictSf = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Description", "Trade show A")));
        var conflictApp = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme"), ("description", "Search Terms")));
        h.State.Put(new Link(EntityKind.Account, conflictSf, conflictApp, LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null));
        var fillSf = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Globex"), ("BillingState", null)));
        var fillApp = h.App.Create(EntityKind.Account, Fields.Of(("name", "Globex"), ("state", "OR")));
        h.State.Put(new Link(EntityKind.Account, fillSf, fillApp, LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null));
        var newSf = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Initech")));
        var newApp = h.App.Create(EntityKind.Account, Fields.Of(("name", "Umbrella")));
        return (h, [RecordKey.ForSalesforce(conflictSf), RecordKey.ForApp(fillApp), RecordKey.ForSalesforce(newSf), RecordKey.ForApp(newApp)]);
    }

    private static string Snapshot(SyncHarness h) => string.Join('\n',
        h.Salesforce.All(EntityKind.Account).Select(a => $"sf {a.Fields["Name"]} {a.Fields.GetValueOrDefault("Description")} {a.Fields.GetValueOrDefault("BillingState")}")
            .Concat(h.App.All(EntityKind.Account).Select(c => $"app {c.Fields["name"]} {c.Fields.GetValueOrDefault("description")} {c.Fields.GetValueOrDefault("state")} linked:{c.SalesforceId is not null}"))
            .Concat(h.State.Links.Select(l => $"link {l.State} {l.Base?["name"]}"))
            .Order(StringComparer.Ordinal));

    [Fact]
    public async Task Applying_a_batch_twice_ends_as_applying_it_once_and_the_second_time_writes_nothing()
    {
        var (once, keys) = World();
        using var _once = once;
        await once.Reconciler.ReconcileAsync(EntityKind.Account, keys, full: false);

        var (twice, keys2) = World();
        using var _twice = twice;
        await twice.Reconciler.ReconcileAsync(EntityKind.Account, keys2, full: false);
        var writes = (twice.Salesforce.WriteCalls, twice.App.WriteCalls);
        var second = await twice.Reconciler.ReconcileAsync(EntityKind.Account, keys2, full: false);

        Assert.Equal(Snapshot(once), Snapshot(twice));
        Assert.Equal(writes, (twice.Salesforce.WriteCalls, twice.App.WriteCalls));
        Assert.All(second.Outcomes, o => Assert.Equal((OutcomeKind.Unchanged, OutcomeKind.Unchanged), (o.Salesforce.Kind, o.App.Kind)));
    }

    [Fact]
    public async Task Two_overlapping_batches_converge_to_the_same_state_in_either_order()
    {
        var (ab, keys) = World();
        using var _ab = ab;
        await ab.Reconciler.ReconcileAsync(EntityKind.Account, keys[..3], full: false);
        await ab.Reconciler.ReconcileAsync(EntityKind.Account, keys[1..], full: false);

        var (ba, keys2) = World();
        using var _ba = ba;
        await ba.Reconciler.ReconcileAsync(EntityKind.Account, keys2[1..], full: false);
        await ba.Reconciler.ReconcileAsync(EntityKind.Account, keys2[..3], full: false);

        var (single, keys3) = World();
        using var _single = single;
        await single.Reconciler.ReconcileAsync(EntityKind.Account, keys3, full: false);

        Assert.Equal(Snapshot(single), Snapshot(ab));
        Assert.Equal(Snapshot(single), Snapshot(ba));
        Assert.Equal(4, ab.Salesforce.All(EntityKind.Account).Count);
    }

    [Fact]
    public async Task Our_own_writes_coming_back_through_both_change_feeds_plan_nothing_and_cost_one_call()
    {
        var (h, _) = World();
        using var _h = h;
        await h.SyncAsync();
        var callsBefore = h.Salesforce.Calls;

        var echo = await h.SyncAsync();

        Assert.Empty(echo.Plan.Messages);
        Assert.Equal(1, h.Salesforce.Calls - callsBefore);
    }

    [Fact]
    public async Task A_redelivered_batch_is_answered_from_the_outbox_without_touching_either_side()
    {
        var (h, _) = World();
        using var _h = h;
        var round = await h.SyncAsync();
        var calls = (h.Salesforce.Calls, h.App.Calls);

        var again = await h.Applier.ApplyAsync(round.Plan.Messages[0]);

        Assert.Equal(BatchApplyStatus.AlreadyApplied, again.Status);
        Assert.Equal(calls, (h.Salesforce.Calls, h.App.Calls));
    }

    [Fact]
    public async Task A_lost_ETag_race_is_reconciled_again_from_fresh_state_and_no_base_is_lost()
    {
        using var h = new SyncHarness();
        var sf = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "1")));
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme"), ("phone_number", "1")));
        h.State.Put(new Link(EntityKind.Account, sf, app, LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null));

        // Another reconciler saves this link (with an app edit) between our read and our write.
        var raced = false;
        h.State.BeforeLinkWrite = state =>
        {
            if (raced)
            {
                return;
            }

            raced = true;
            var current = state.Links.Single();
            h.App.Edit(app, Fields.Of(("phone_number", "2")));
            h.Salesforce.Edit(sf, Fields.Of(("Phone", "2")));
            state.BeforeLinkWrite = null;
            var stored = state.WriteAsync([new LinkWrite(current, current with { Base = Fields.Of(("name", "Acme"), ("phone_number", "2")) })]).Result;
            Assert.False(stored[0].Conflict);
        };

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(sf));

        Assert.True(raced);
        var outcome = Assert.Single(result.Outcomes);
        Assert.NotEqual(OutcomeKind.Failed, outcome.Salesforce.Kind);
        Assert.Equal("2", h.State.Links.Single().Base!["phone_number"]);
        Assert.Equal(("2", "2"), (h.Salesforce.Get(sf).Fields["Phone"], h.App.Get(app).Fields["phone_number"]));
    }

    [Fact]
    public async Task Two_batches_racing_to_create_one_new_record_create_it_once()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Umbrella")));
        var key = RecordKey.ForApp(app);

        // Both reconcilers pass the read before either writes its pending-create marker.
        var gate = new TaskCompletionSource();
        var arrived = 0;
        h.State.BeforeLinkWrite = _ =>
        {
            if (Interlocked.Increment(ref arrived) == 2)
            {
                gate.SetResult();
            }

            gate.Task.Wait(TimeSpan.FromSeconds(5));
        };

        var results = await Task.WhenAll(
            Task.Run(() => h.ReconcileAsync(EntityKind.Account, key)),
            Task.Run(() => h.ReconcileAsync(EntityKind.Account, key)));

        Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Single(h.State.Links);
        Assert.Single(results, r => r.Outcomes[0].Salesforce.Kind == OutcomeKind.Created);
    }
}
