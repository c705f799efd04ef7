using SfSync.Model;
using SfSync.Reconciling;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

public class ReconcilerTests
{
    private static Dictionary<string, string?> Account(string name, params (string, string?)[] more) => Fields.Of([("Name", name), .. more]);

    private static Dictionary<string, string?> Customer(string name, params (string, string?)[] more) => Fields.Of([("name", name), .. more]);

    private static void PreLink(SyncHarness h, EntityKind entity, SalesforceId sf, AppId app) =>
        h.State.Put(new Link(entity, sf, app, LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null));

    [Fact]
    public async Task Seed_conflict_keeps_Trade_show_A_in_Salesforce_and_gives_it_to_the_app()
    {
        using var h = new SyncHarness();
        var sf = h.Salesforce.Create(EntityKind.Account, Account("Acme", ("Description", "Trade show A")));
        var app = h.App.Create(EntityKind.Account, Customer("Acme", ("description", "Search Terms")));
        PreLink(h, EntityKind.Account, sf, app);

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(sf));

        Assert.Equal("Trade show A", h.Salesforce.Get(sf).Fields["Description"]);
        Assert.Equal("Trade show A", h.App.Get(app).Fields["description"]);
        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal((OutcomeKind.Unchanged, OutcomeKind.Updated), (outcome.Salesforce.Kind, outcome.App.Kind));
        Assert.Equal("Search Terms", Assert.Single(outcome.Conflicts).LostAppValue);
        Assert.Equal(0, h.Salesforce.WriteCalls);
    }

    [Fact]
    public async Task Seed_blank_fill_puts_the_app_state_into_an_empty_Salesforce_state()
    {
        using var h = new SyncHarness();
        var sf = h.Salesforce.Create(EntityKind.Account, Account("Acme", ("BillingState", "")));
        var app = h.App.Create(EntityKind.Account, Customer("Acme", ("state", "CA")));
        PreLink(h, EntityKind.Account, sf, app);

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        Assert.Equal("CA", h.Salesforce.Get(sf).Fields["BillingState"]);
        Assert.Equal((OutcomeKind.Updated, OutcomeKind.Unchanged), (result.Outcomes[0].Salesforce.Kind, result.Outcomes[0].App.Kind));
        Assert.Equal(1, result.Outcomes[0].BlanksFilled);
    }

    [Fact]
    public async Task Seed_identical_records_cause_zero_writes_on_both_sides()
    {
        using var h = new SyncHarness();
        var sf = h.Salesforce.Create(EntityKind.Account, Account("Acme", ("Phone", "555-0100"), ("BillingCity", "Berlin")));
        var app = h.App.Create(EntityKind.Account, Customer("Acme", ("phone_number", "555-0100"), ("city", " Berlin")), salesforceId: sf);
        PreLink(h, EntityKind.Account, sf, app);
        var appWrites = h.App.WriteCalls;

        var result = await h.ReconcileAsync(EntityKind.Account, new RecordKey(sf, app));

        Assert.Equal((OutcomeKind.Unchanged, OutcomeKind.Unchanged), (result.Outcomes[0].Salesforce.Kind, result.Outcomes[0].App.Kind));
        Assert.Equal(0, h.Salesforce.WriteCalls);
        Assert.Equal(appWrites, h.App.WriteCalls);
        Assert.NotNull(h.State.Links.Single().Base);
    }

    [Fact]
    public async Task A_new_Salesforce_account_is_created_in_the_app_and_stamped_with_its_Salesforce_id()
    {
        using var h = new SyncHarness();
        var sf = h.Salesforce.Create(EntityKind.Account, Account("Globex", ("Phone", "555-0199")));

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(sf));

        var customer = Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(("Globex", "555-0199", (SalesforceId?)sf), (customer.Fields["name"], customer.Fields["phone_number"], customer.SalesforceId));
        Assert.Equal(OutcomeKind.Created, result.Outcomes[0].App.Kind);
        var link = Assert.Single(h.State.Links);
        Assert.Equal((LinkState.Active, (SalesforceId?)sf, (AppId?)customer.Id), (link.State, link.SalesforceId, link.AppId));
    }

    [Fact]
    public async Task A_new_app_customer_is_created_in_Salesforce_with_the_default_owner()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:DefaultAccountOwnerId"] = "005000000000001AAA" });
        var app = h.App.Create(EntityKind.Account, Customer("Initech", ("city", "Austin")));

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        var account = Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(("Initech", "Austin", "005000000000001AAA"), (account.Fields["Name"], account.Fields["BillingCity"], account.Fields["OwnerId"]));
        Assert.Equal(account.Id, h.App.Get(app).SalesforceId);
    }

    [Fact]
    public async Task A_record_flagged_sync_disabled_is_never_synced()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, Customer("Private Co"), syncDisabled: true);

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        Assert.Empty(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(SyncErrorCode.SyncDisabled, result.Outcomes[0].App.Code);
        Assert.Empty(h.State.Links);
    }

    [Fact]
    public async Task A_new_Salesforce_contact_whose_email_matches_a_sync_disabled_app_contact_is_not_duplicated()
    {
        using var h = new SyncHarness();
        h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ann Lee"), ("email", "ann@x.io")), syncDisabled: true);
        var sf = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ann"), ("LastName", "Lee"), ("Email", "ANN@x.io")));

        var result = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(sf));

        Assert.Single(h.App.All(EntityKind.Contact));
        Assert.Equal(OutcomeKind.Skipped, result.Outcomes[0].App.Kind);
    }

    [Fact]
    public async Task A_record_Salesforce_rejects_fails_alone_and_the_rest_of_the_batch_completes()
    {
        using var h = new SyncHarness();
        h.Salesforce.Reject = (_, fields) => fields.GetValueOrDefault("Name") == "Bad" ? ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Name is not allowed") : null;
        var bad = h.App.Create(EntityKind.Account, Customer("Bad"));
        var good = h.App.Create(EntityKind.Account, Customer("Good"));
        var nameless = h.App.Create(EntityKind.Account, Customer("  "));

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(bad), RecordKey.ForApp(good), RecordKey.ForApp(nameless));

        Assert.Equal(["Good"], h.Salesforce.All(EntityKind.Account).Select(a => a.Fields["Name"]));
        var byApp = result.Outcomes.ToDictionary(o => o.AppId!.Value);
        Assert.Equal("FIELD_CUSTOM_VALIDATION_EXCEPTION", byApp[bad].Salesforce.Code!.Value.Value);
        Assert.Equal(SyncErrorCode.RequiredFieldMissing, byApp[nameless].Salesforce.Code);
        Assert.Equal(OutcomeKind.Created, byApp[good].Salesforce.Kind);
        Assert.Single(h.State.Links); // no marker left behind for the failed creates
    }

    [Fact]
    public async Task A_batch_of_200_costs_at_most_one_Salesforce_read_and_one_write()
    {
        using var h = new SyncHarness();
        var keys = new List<RecordKey>();
        for (var i = 0; i < 100; i++)
        {
            var sf = h.Salesforce.Create(EntityKind.Account, Account($"SF {i}", ("Phone", $"1-{i}")));
            var app = h.App.Create(EntityKind.Account, Customer($"SF {i}", ("phone_number", $"2-{i}")));
            PreLink(h, EntityKind.Account, sf, app);
            keys.Add(RecordKey.ForSalesforce(sf));
            keys.Add(RecordKey.ForApp(h.App.Create(EntityKind.Account, Customer($"New {i}"))));
        }

        var calls = h.Salesforce.Calls;
        var result = await h.Reconciler.ReconcileAsync(EntityKind.Account, keys, full: false);

        Assert.Equal(2, h.Salesforce.Calls - calls);
        Assert.Equal(100, result.Outcomes.Count(o => o.Salesforce.Kind == OutcomeKind.Created));
        Assert.Equal(100, result.Outcomes.Count(o => o.App.Kind == OutcomeKind.Updated));
    }

    [Fact]
    public async Task When_Salesforce_is_down_the_batch_throws_and_a_retry_creates_the_record_once()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, Customer("Initech"));
        h.Salesforce.Unavailable = "503 Service Unavailable";

        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app)));
        Assert.Equal(LinkState.PendingCreateInSalesforce, Assert.Single(h.State.Links).State);

        h.Salesforce.Unavailable = null;
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(LinkState.Active, Assert.Single(h.State.Links).State);
    }

    [Theory]
    [InlineData(EntityKind.Account)]
    [InlineData(EntityKind.Contact)]
    public async Task A_create_whose_answer_was_lost_is_found_and_linked_on_retry_not_created_twice(EntityKind entity)
    {
        using var h = new SyncHarness();
        var app = entity == EntityKind.Account
            ? h.App.Create(entity, Customer("Initech"))
            : h.App.Create(entity, Fields.Of(("name", "Bill Lumbergh"), ("email", "bill@initech.com")));
        h.Salesforce.LoseNextCreateAnswer = true;

        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(entity, RecordKey.ForApp(app)));
        Assert.Single(h.Salesforce.All(entity)); // the create did happen; we just never heard

        h.Time.Advance(TimeSpan.FromMinutes(1));
        var result = await h.ReconcileAsync(entity, RecordKey.ForApp(app));

        var record = Assert.Single(h.Salesforce.All(entity));
        Assert.Equal(record.Id, h.App.Get(app).SalesforceId);
        Assert.Equal((LinkState.Active, (SalesforceId?)record.Id), (h.State.Links.Single().State, h.State.Links.Single().SalesforceId));
        Assert.NotEqual(OutcomeKind.Created, result.Outcomes[0].Salesforce.Kind);
    }
}
