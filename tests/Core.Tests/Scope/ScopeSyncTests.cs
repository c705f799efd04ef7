using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Scope;

/// <summary>Scopes end to end through planner, queue and reconciler on the in-memory ports (docs/scope.md).</summary>
public sealed class ScopeSyncTests
{
    private const string Person = "005000000000002AAA";
    private const string Someone = "005000000000003AAA";

    private static Dictionary<string, string?> Germany => new() { ["Sync:Scope:Account:Salesforce"] = "BillingCountry = 'Germany'" };

    private static Dictionary<string, string?> Account(string name, string country, string? description = null) =>
        Fields.Of(("Name", name), ("BillingCountry", country), ("Description", description));

    private static SfSync.State.Link LinkOf(SyncHarness h, SalesforceId id) => Assert.Single(h.State.Links, l => l.SalesforceId == id);

    [Fact]
    public async Task A_record_outside_the_scope_is_not_synced_and_is_counted_and_shown_as_out_of_scope()
    {
        using var h = new SyncHarness(Germany);
        var acme = h.Salesforce.Create(EntityKind.Account, Account("Acme", "Germany"));
        var globex = h.Salesforce.Create(EntityKind.Account, Account("Globex", "France"));

        var rounds = await h.SyncUntilQuietAsync();

        Assert.Equal([acme], h.App.All(EntityKind.Account).Select(c => c.SalesforceId));
        var run = (await h.History.GetAsync(rounds[0].RunId))!;
        Assert.Equal(1, run.Totals.OutOfScope);
        Assert.Equal(1, run.Totals.App.Skipped);
        var status = Assert.Single(h.State.Statuses, s => s.SalesforceId == globex);
        Assert.Equal(SyncErrorCode.OutOfScope.Value, status.ErrorCode);
        Assert.Equal("Skipped(OutOfScope)", status.AppOutcome);
        Assert.DoesNotContain(h.State.Links, l => l.SalesforceId == globex);
    }

    [Fact]
    public async Task A_record_that_leaves_stops_syncing_is_deleted_nowhere_and_resumes_when_it_comes_back()
    {
        using var h = new SyncHarness(Germany);
        var acme = h.Salesforce.Create(EntityKind.Account, Account("Acme", "Germany"));
        await h.SyncUntilQuietAsync();
        var customer = Assert.Single(h.App.All(EntityKind.Account)).Id;

        // Leaves: moved to France in Salesforce. Nothing reaches the app, the link is kept and marked.
        h.Salesforce.Edit(acme, Fields.Of(("BillingCountry", "France"), ("Description", "moved")));
        var left = await h.SyncUntilQuietAsync();
        Assert.Equal("Germany", h.App.Get(customer).Fields["country"]);
        Assert.NotNull(LinkOf(h, acme).OutOfScopeSince);
        Assert.Equal(1, (await h.History.GetAsync(left[0].RunId))!.Totals.OutOfScope);

        // While it is out, an app edit does not reach Salesforce either, and deleting nothing anywhere.
        h.App.Edit(customer, Fields.Of(("phone_number", "+49 30 1")));
        await h.SyncUntilQuietAsync();
        Assert.Null(h.Salesforce.Get(acme).Fields.GetValueOrDefault("Phone"));
        Assert.False(h.App.Get(customer).Deleted);
        Assert.False(h.Salesforce.Get(acme).IsDeleted);

        // Back in scope: both sides' edits made meanwhile meet in one merge from the base it left with, and the mark goes.
        h.Salesforce.Edit(acme, Fields.Of(("BillingCountry", "Germany")));
        await h.SyncUntilQuietAsync();
        Assert.Equal(("Germany", "moved"), (h.App.Get(customer).Fields["country"], h.App.Get(customer).Fields["description"]));
        Assert.Equal("+49 30 1", h.Salesforce.Get(acme).Fields["Phone"]);
        Assert.Null(LinkOf(h, acme).OutOfScopeSince);
        Assert.Single(h.App.All(EntityKind.Account));
    }

    [Fact]
    public async Task A_record_that_enters_is_treated_as_new_and_matched_before_anything_is_created()
    {
        using var h = new SyncHarness(new Dictionary<string, string?>(Germany) { ["Sync:AccountMatching"] = "ExactName" });
        var globex = h.Salesforce.Create(EntityKind.Account, Account("Globex", "France"));
        var appGlobex = h.App.Create(EntityKind.Account, Fields.Of(("name", "Globex"), ("country", "France")));
        await h.SyncUntilQuietAsync();
        Assert.Single(h.App.All(EntityKind.Account)); // neither side copied, nothing linked
        Assert.Empty(h.State.Links);

        h.Salesforce.Edit(globex, Fields.Of(("BillingCountry", "Germany")));
        await h.SyncUntilQuietAsync();

        // Linked by name to the app customer that was there, merged: not created twice.
        Assert.Equal(appGlobex, LinkOf(h, globex).AppId);
        Assert.Equal("Germany", Assert.Single(h.App.All(EntityKind.Account)).Fields["country"]);
    }

    [Fact]
    public async Task The_app_scope_keeps_app_records_outside_it_out_of_Salesforce()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:Scope:Account:App"] = "country IN ('DE', 'AT')" });
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme"), ("country", "DE")));
        var outside = h.App.Create(EntityKind.Account, Fields.Of(("name", "Globex"), ("country", "FR")));

        await h.SyncUntilQuietAsync();

        Assert.Equal(["Acme"], h.Salesforce.All(EntityKind.Account).Select(a => a.Fields["Name"]));
        Assert.Equal(SyncErrorCode.OutOfScope.Value, Assert.Single(h.State.Statuses, s => s.AppId == outside).ErrorCode);
    }

    [Fact]
    public async Task A_contact_of_an_account_that_left_the_scope_leaves_with_it()
    {
        using var h = new SyncHarness(Germany);
        var acme = h.Salesforce.Create(EntityKind.Account, Account("Acme", "Germany"));
        var ada = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@acme.example")), acme);
        await h.SyncUntilQuietAsync();
        h.Salesforce.Edit(acme, Fields.Of(("BillingCountry", "France")));
        await h.SyncUntilQuietAsync();

        h.Salesforce.Edit(ada, Fields.Of(("LastName", "King")));
        await h.SyncUntilQuietAsync();

        Assert.Equal("Ada Lovelace", Assert.Single(h.App.All(EntityKind.Contact)).Fields["name"]);
        Assert.Equal(SyncErrorCode.OutOfScope.Value, h.State.Statuses.Last(s => s.SalesforceId == ada).ErrorCode);
    }

    [Fact]
    public async Task A_contact_of_an_account_outside_the_scope_is_not_copied_and_comes_along_when_its_account_enters()
    {
        using var h = new SyncHarness(Germany);
        var globex = h.Salesforce.Create(EntityKind.Account, Account("Globex", "France"));
        var grace = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Grace"), ("LastName", "Hopper"), ("Email", "grace@globex.example")), globex);
        var loner = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Alone"), ("Email", "alone@x.example")));

        await h.SyncUntilQuietAsync();

        Assert.Equal(["Alone"], h.App.All(EntityKind.Contact).Select(c => c.Fields["name"])); // a contact without an account follows its own scope
        Assert.Equal(SyncErrorCode.OutOfScope.Value, h.State.Statuses.Last(s => s.SalesforceId == grace).ErrorCode);
        Assert.NotNull(LinkOf(h, loner).AppId);

        h.Salesforce.Edit(globex, Fields.Of(("BillingCountry", "Germany")));
        await h.SyncUntilQuietAsync();

        var customer = Assert.Single(h.App.All(EntityKind.Account)).Id;
        Assert.Equal(customer, Assert.Single(h.App.All(EntityKind.Contact), c => c.SalesforceId == grace).ParentId);
    }

    [Fact]
    public async Task A_changed_scope_setting_reconciles_what_entered_and_what_left_without_an_edit()
    {
        using var h = new SyncHarness();
        var acme = h.Salesforce.Create(EntityKind.Account, Account("Acme", "Germany"));
        var globex = h.Salesforce.Create(EntityKind.Account, Account("Globex", "France"));
        await h.SyncUntilQuietAsync();
        Assert.Equal(2, h.App.All(EntityKind.Account).Count);

        // Narrowed: Globex leaves (marked, kept on both sides) on the next run, though nobody edited it.
        h.Configuration["Sync:Scope:Account:Salesforce"] = "BillingCountry = 'Germany'";
        h.Configuration.Reload();
        var narrowed = await h.SyncUntilQuietAsync();
        var run = (await h.History.GetAsync(narrowed[0].RunId))!;
        Assert.Contains("The Account scope changed", run.Message, StringComparison.Ordinal);
        Assert.Equal(1, run.Totals.OutOfScope);
        Assert.NotNull(LinkOf(h, globex).OutOfScopeSince);
        Assert.Null(LinkOf(h, acme).OutOfScopeSince);
        Assert.Equal(2, h.App.All(EntityKind.Account).Count);

        // Meanwhile a French account is made; widened again, it enters and Globex resumes.
        var initech = h.Salesforce.Create(EntityKind.Account, Account("Initech", "France"));
        await h.SyncUntilQuietAsync();
        Assert.Equal(2, h.App.All(EntityKind.Account).Count);
        h.Configuration["Sync:Scope:Account:Salesforce"] = "";
        h.Configuration.Reload();
        await h.SyncUntilQuietAsync();

        Assert.Equal(3, h.App.All(EntityKind.Account).Count);
        Assert.Null(LinkOf(h, globex).OutOfScopeSince);
        Assert.NotNull(LinkOf(h, initech).AppId);
    }

    [Fact]
    public async Task A_scope_costs_an_idle_run_no_extra_Salesforce_call_and_does_not_re_sync_again()
    {
        using var h = new SyncHarness(Germany);
        h.Salesforce.Create(EntityKind.Account, Account("Acme", "Germany"));
        h.Salesforce.Create(EntityKind.Account, Account("Globex", "France"));
        await h.SyncUntilQuietAsync();
        h.Time.Advance(TimeSpan.FromMinutes(15)); // past the late-commit window
        await h.SyncAsync();

        var before = h.Salesforce.Calls;
        var idle = await h.SyncAsync();

        Assert.Equal(1, h.Salesforce.Calls - before);
        Assert.Empty(idle.Plan.Messages);
        Assert.Equal("No changes.", (await h.History.GetAsync(idle.RunId))!.Message);
    }

    [Fact]
    public async Task A_list_view_scope_is_read_once_and_an_edit_of_the_list_view_reconciles_its_entity()
    {
        const string query = "SELECT Name, Id FROM Contact WHERE OwnerId = '{0}' ORDER BY Name ASC NULLS FIRST, Id ASC NULLS FIRST";
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:Scope:Contact:SalesforceListView"] = "MyContacts" });
        h.ListViews.Set(EntityKind.Contact, "MyContacts", string.Format(System.Globalization.CultureInfo.InvariantCulture, query, Person));
        var mine = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Mine"), ("Email", "mine@x.example"), ("OwnerId", Person)));
        var theirs = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Theirs"), ("Email", "theirs@x.example"), ("OwnerId", Someone)));

        await h.SyncUntilQuietAsync();
        await h.SyncUntilQuietAsync();

        Assert.Equal(["Mine"], h.App.All(EntityKind.Contact).Select(c => c.Fields["name"]));
        Assert.Equal(1, h.ListViews.Calls); // planner and reconciler share the cached filter

        // Someone edits the list view in Salesforce: followed after ListViewRefresh, the entity re-read from the start.
        h.ListViews.Set(EntityKind.Contact, "MyContacts", string.Format(System.Globalization.CultureInfo.InvariantCulture, query, Someone));
        h.Time.Advance(TimeSpan.FromHours(1));
        await h.SyncUntilQuietAsync();

        Assert.Equal(2, h.ListViews.Calls);
        Assert.Equal(2, h.App.All(EntityKind.Contact).Count);
        Assert.NotNull(Assert.Single(h.State.Links, l => l.SalesforceId == mine).OutOfScopeSince);
        Assert.Null(Assert.Single(h.State.Links, l => l.SalesforceId == theirs).OutOfScopeSince);
    }

    [Fact]
    public async Task A_list_view_that_cannot_be_a_scope_fails_the_run_with_the_reason_and_syncs_nothing()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:Scope:Account:SalesforceListView"] = "NewThisWeek" });
        h.ListViews.Set(EntityKind.Account, "NewThisWeek", "SELECT Name, Id FROM Account WHERE CreatedDate = THIS_WEEK ORDER BY Name ASC NULLS FIRST");
        h.Salesforce.Create(EntityKind.Account, Account("Acme", "Germany"));

        var round = await h.SyncAsync();

        var run = (await h.History.GetAsync(round.RunId))!;
        Assert.Equal(SfSync.Runs.RunStatus.Failed, run.Status);
        Assert.Contains("list view 'NewThisWeek' cannot be a sync scope", run.Message, StringComparison.Ordinal);
        Assert.Contains("date literals", run.Message, StringComparison.Ordinal);
        Assert.Empty(h.App.All(EntityKind.Account));
    }
}
