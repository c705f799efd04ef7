using SfSync.Model;
using SfSync.Planning;
using SfSync.Runs;
using SfSync.Reconciling;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>Linking and matching (brief §5) as the reconciler applies it.</summary>
public class LinkingTests
{
    private static Dictionary<string, string?> Contact(string first, string last, string? email) =>
        Fields.Of(("FirstName", first), ("LastName", last), ("Email", email));

    [Fact]
    public async Task A_new_app_contact_links_to_the_earliest_Salesforce_contact_with_its_email_and_reports_the_duplicate()
    {
        using var h = new SyncHarness();
        var earliest = h.Salesforce.Create(EntityKind.Contact, Contact("Ann", "Lee", "ann@x.io"));
        h.Time.Advance(TimeSpan.FromMinutes(1));
        h.Salesforce.Create(EntityKind.Contact, Contact("Ann", "Lee", " ANN@X.IO "));
        var app = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ann Lee"), ("email", "Ann@x.io")));

        var result = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app));

        Assert.Equal(earliest, h.State.Links.Single().SalesforceId);
        Assert.Equal(2, h.Salesforce.All(EntityKind.Contact).Count);
        Assert.StartsWith("DuplicateEmail", result.Outcomes[0].Warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_Salesforce_contact_links_to_the_app_contact_with_its_email_instead_of_creating_one()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ann Lee"), ("email", "ann@x.io")));
        var sf = h.Salesforce.Create(EntityKind.Contact, Contact("Ann", "Lee-Smith", "ann@X.io"));

        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(sf));

        var only = Assert.Single(h.App.All(EntityKind.Contact));
        Assert.Equal((app, (SalesforceId?)sf, "Ann Lee-Smith"), (only.Id, only.SalesforceId, only.Fields["name"]));
    }

    [Fact]
    public async Task Both_new_contacts_in_one_batch_with_the_same_email_become_one_link()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ann Lee"), ("email", "ann@x.io")));
        var sf = h.Salesforce.Create(EntityKind.Contact, Contact("Ann", "Lee", "ann@x.io"));

        var result = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(sf), RecordKey.ForApp(app));

        Assert.Single(result.Outcomes);
        Assert.Single(h.Salesforce.All(EntityKind.Contact));
        Assert.Single(h.App.All(EntityKind.Contact));
        Assert.Equal((sf, app), (h.State.Links.Single().SalesforceId!.Value, h.State.Links.Single().AppId!.Value));
    }

    [Fact]
    public async Task Of_two_new_app_contacts_with_the_email_of_a_new_Salesforce_contact_the_earliest_links_and_the_other_is_created()
    {
        using var h = new SyncHarness();
        var salesforce = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@example.com")));
        var first = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com")));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var second = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada King"), ("email", "ADA@example.com")));

        var result = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(salesforce), RecordKey.ForApp(first), RecordKey.ForApp(second));

        Assert.Equal(salesforce, h.App.Get(first).SalesforceId);
        var created = h.App.Get(second).SalesforceId!.Value;
        Assert.NotEqual(salesforce, created);
        Assert.Equal(2, h.Salesforce.All(EntityKind.Contact).Count);
        Assert.Equal(2, result.Outcomes.Count);
        Assert.Contains(result.Outcomes, o => o.AppId == first && o.SalesforceId == salesforce);
        Assert.Contains(result.Outcomes, o => o.AppId == second && o.Salesforce.Kind == OutcomeKind.Created);
    }

    [Fact]
    public async Task Exact_name_deduplication_links_a_new_customer_to_the_earliest_account_of_that_name()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:AccountMatching"] = "ExactName" });
        var earliest = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "ACME")));
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "acme"), ("city", "Phoenix")));

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        Assert.Equal(2, h.Salesforce.All(EntityKind.Account).Count);
        Assert.Equal(earliest, h.State.Links.Single().SalesforceId);
        Assert.Equal("Phoenix", h.Salesforce.Get(earliest).Fields["BillingCity"]);
    }

    [Fact]
    public async Task Leaving_duplicates_creates_a_new_account_even_when_the_name_exists()
    {
        using var h = new SyncHarness();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme")));

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        Assert.Equal(2, h.Salesforce.All(EntityKind.Account).Count);
    }

    [Fact]
    public async Task A_pre_linked_pair_merges_on_first_sync_instead_of_creating()
    {
        using var h = new SyncHarness();
        var sf = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme Corp"), ("Phone", null)));
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme"), ("phone_number", "555")));
        h.State.Put(new Link(EntityKind.Account, sf, app, LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null));

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(("Acme Corp", "555"), (h.App.Get(app).Fields["name"], h.Salesforce.Get(sf).Fields["Phone"]));
    }

    [Fact]
    public async Task An_app_record_already_carrying_a_Salesforce_id_links_to_it()
    {
        using var h = new SyncHarness();
        var sf = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme")), salesforceId: sf);

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(sf));

        Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(app, h.State.Links.Single().AppId);
    }

    [Fact]
    public async Task A_new_app_contact_takes_the_linked_account_of_its_customer()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme")));
        h.State.Put(new Link(EntityKind.Account, account, customer, LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null));
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Road Runner"), ("email", "rr@acme.com")), parent: customer);

        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact));

        var created = Assert.Single(h.Salesforce.All(EntityKind.Contact));
        Assert.Equal((account, "Road", "Runner"), (created.ParentId!.Value, created.Fields["FirstName"], created.Fields["LastName"]));
    }

    [Theory]
    [InlineData(new[] { "Acme" }, "Acme", 0)]
    [InlineData(new[] { "Acme (late)", "Acme" }, "Acme", 1)]
    [InlineData(new[] { "Acme Holdings GmbH", "Globex" }, "Acme Holdings", 0)]
    [InlineData(new[] { "Acme East", "Acme West" }, "Acme", -1)]
    [InlineData(new[] { "Globex" }, "Acme", -1)]
    public async Task An_unlinked_customer_finds_its_account_by_company_name(string[] accountNames, string companyName, int expectedIndex)
    {
        using var h = new SyncHarness();
        var accounts = accountNames.Select(n => h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", n)))).ToList();
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", companyName)));
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Road Runner"), ("email", "rr@acme.com")), parent: customer);

        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact));

        var created = Assert.Single(h.Salesforce.All(EntityKind.Contact));
        Assert.Equal(expectedIndex < 0 ? null : accounts[expectedIndex], created.ParentId);
    }

    [Fact]
    public async Task A_Salesforce_contact_whose_account_is_not_linked_yet_gets_its_customer_on_a_later_round()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var contact = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Coyote"), ("Email", "w@acme.com")), account);

        // The contact batch runs before the account batch (the queue gives no order).
        var first = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(contact));
        Assert.Null(h.App.All(EntityKind.Contact).Single().ParentId);
        Assert.Contains(first.FollowUps, f => f.Key.SalesforceId == contact);

        await h.SyncUntilQuietAsync();

        var customer = h.App.All(EntityKind.Account).Single();
        Assert.Equal(customer.Id, h.App.All(EntityKind.Contact).Single().ParentId);
        Assert.Equal(account, h.Salesforce.Get(contact).ParentId);
    }

    [Fact]
    public async Task An_app_contact_whose_customer_is_not_in_Salesforce_yet_gets_its_AccountId_on_a_later_round()
    {
        using var h = new SyncHarness();
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Brand New Co")));
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Nina New"), ("email", "nina@new.example")), parent: customer);

        // The contact batch runs before the customer's (the queue gives no order).
        var first = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact));
        Assert.Null(h.Salesforce.All(EntityKind.Contact).Single().ParentId);
        Assert.Contains(first.FollowUps, f => f.Key.AppId == contact);
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer));

        var second = await h.ReconcileAsync(EntityKind.Contact, first.FollowUps.Single().Key);

        Assert.Equal(h.Salesforce.All(EntityKind.Account).Single().Id, h.Salesforce.All(EntityKind.Contact).Single().ParentId);
        Assert.Equal(OutcomeKind.Updated, second.Outcomes.Single().Salesforce.Kind);
    }

    [Fact]
    public async Task A_contact_batch_delivered_before_its_run_s_accounts_waits_for_them_on_the_queue_and_lands_in_the_same_run()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Coyote"), ("Email", "w@acme.com")), account);
        await h.Planner.PlanAsync(new PlanRequest("r", RunTrigger.Timer, EntityKindNames.All));
        var sent = new[] { h.Queue.Receive()!, h.Queue.Receive()! };

        // The queue gives no order: the contact's batch first. It writes nothing and comes back 5 s later, in the run.
        var contacts = sent.Single(b => b.Entity == EntityKind.Contact);
        var waited = await h.Applier.ApplyAsync(contacts);
        var again = h.Queue.Log[^1];
        Assert.Equal((BatchApplyStatus.Deferred, ParentsFirst.Reason), (waited.Status, waited.Reason));
        Assert.Equal((h.Time.GetUtcNow() + TimeSpan.FromSeconds(5), contacts.BatchId, 2), (again.ScheduledFor, again.Batch.BatchId, again.Batch.Attempt));
        Assert.Empty(h.App.All(EntityKind.Contact));

        await h.Applier.ApplyAsync(sent.Single(b => b.Entity == EntityKind.Account));
        Assert.Equal(RunStatus.Running, (await h.History.GetAsync("r"))!.Status); // the contacts are still to come
        for (var tick = 0; tick < 4; tick++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(10));
            await h.DrainAsync();
        }

        // Created once, under its account: no write without the parent and a second one with it.
        var contact = Assert.Single(h.App.All(EntityKind.Contact));
        Assert.Equal(h.App.All(EntityKind.Account).Single().Id, contact.ParentId);
        var run = (await h.History.GetAsync("r"))!;
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(run.BatchesDone == run.BatchesPlanned, $"{run.BatchesDone} of {run.BatchesPlanned}");
        Assert.Equal((2, 0), (run.Totals.App.Created, run.Totals.App.Updated)); // the customer and the contact, each written once
    }

    [Fact]
    public async Task A_key_that_names_no_record_on_either_side_is_not_found_and_one_that_does_is()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var gone = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Gone")));
        h.Salesforce.Delete(gone);

        var missing = await h.Applier.SyncRecordAsync("r1", EntityKind.Account, RecordKey.ForSalesforce(SalesforceId.Parse("001000000009999AAA")));
        var missingInApp = await h.Applier.SyncRecordAsync("r2", EntityKind.Account, RecordKey.ForApp(AppId.Parse("cust-999")));
        var present = await h.Applier.SyncRecordAsync("r3", EntityKind.Account, RecordKey.ForSalesforce(account));
        var deleted = await h.Applier.SyncRecordAsync("r4", EntityKind.Account, RecordKey.ForSalesforce(gone));

        Assert.True(Assert.Single(missing.Outcomes).NotFound);
        Assert.True(Assert.Single(missingInApp.Outcomes).NotFound);
        Assert.False(Assert.Single(present.Outcomes).NotFound);
        Assert.False(Assert.Single(deleted.Outcomes).NotFound); // in the recycle bin: it exists, deleted
    }
}
