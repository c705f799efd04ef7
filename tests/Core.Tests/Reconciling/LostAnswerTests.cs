using SfSync.Model;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>Issue 10, cases 1, 3 and 4: a create whose answer is lost makes exactly one record on each side, whichever
/// runs first — the retry of its batch or the next plan, which sees the new record in the other side's change feed.</summary>
public class LostAnswerTests
{
    public static TheoryData<EntityKind, bool> EntitiesAndOrders => new()
    {
        { EntityKind.Account, true },
        { EntityKind.Account, false },
        { EntityKind.Contact, true },
        { EntityKind.Contact, false },
    };

    [Theory]
    [MemberData(nameof(EntitiesAndOrders))]
    public async Task Case_1_a_lost_Salesforce_create_answer_ends_with_one_linked_record_on_each_side(EntityKind entity, bool retryFirst)
    {
        using var h = new SyncHarness(); // accounts under LeaveDuplicates: only the marker can pair them
        var app = h.App.Create(entity, AppFields(entity, "Initech"));
        h.Salesforce.LoseNextCreateAnswer = true;
        var first = await PlanAndApplyAsync(h);
        Assert.Equal(BatchApplyStatus.Deferred, Assert.Single(first).Status);
        Assert.Single(h.Salesforce.All(entity)); // the create happened; we never heard

        if (!retryFirst)
        {
            // The next plan is first: the new Salesforce record comes through the feed while the deferred batch waits.
            h.Time.Advance(TimeSpan.FromSeconds(20));
            await PlanAndApplyAsync(h);
        }

        await h.SyncUntilQuietAsync();

        var record = Assert.Single(h.Salesforce.All(entity));
        Assert.Single(h.App.All(entity));
        Assert.Equal(record.Id, h.App.Get(app).SalesforceId);
        var link = Assert.Single(h.State.Links, l => l.Entity == entity);
        Assert.Equal((LinkState.Active, (SalesforceId?)record.Id, (AppId?)app), (link.State, link.SalesforceId, link.AppId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Case_1_a_lost_app_create_answer_ends_with_one_linked_record_on_each_side(bool retryFirst)
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Initech")));
        h.App.LoseNextUpsertAnswer = true;
        var first = await PlanAndApplyAsync(h);
        Assert.Contains(first, r => r.Status == BatchApplyStatus.Deferred);
        Assert.Single(h.App.All(EntityKind.Account));

        if (!retryFirst)
        {
            h.Time.Advance(TimeSpan.FromSeconds(20));
            await PlanAndApplyAsync(h); // the app's feed shows the new customer first
        }

        await h.SyncUntilQuietAsync();

        var customer = Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(account, customer.SalesforceId);
        Assert.Single(h.Salesforce.All(EntityKind.Account));
        var link = Assert.Single(h.State.Links);
        Assert.Equal((LinkState.Active, (AppId?)customer.Id), (link.State, link.AppId));
    }

    [Fact]
    public async Task Case_1_the_new_Salesforce_id_is_kept_in_the_marker_the_moment_it_is_known()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Initech"));
        h.Salesforce.DuringWrite = () => h.App.Unavailable = "app down right after the Salesforce create";

        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app)));

        var created = Assert.Single(h.Salesforce.All(EntityKind.Account)).Id;
        var marker = Assert.Single(h.State.Links);
        Assert.Equal((LinkState.PendingCreateInSalesforce, (SalesforceId?)created), (marker.State, marker.SalesforceId));
    }

    [Fact]
    public async Task Case_1_a_create_made_by_a_person_in_Salesforce_is_never_taken_for_our_lost_create()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Initech"));
        h.Salesforce.Unavailable = "timeout";
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app)));
        h.Salesforce.Unavailable = null;
        var theirs = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Initech"))); // a person, same name, meanwhile

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        Assert.Equal(2, h.Salesforce.All(EntityKind.Account).Count); // LeaveDuplicates: ours is created, theirs is not ours
        Assert.NotEqual(theirs, h.App.Get(app).SalesforceId);
    }

    [Fact]
    public async Task Case_1_our_create_is_recognised_even_when_the_orgs_clock_runs_behind_ours()
    {
        using var h = new SyncHarness();
        h.Salesforce.ClockSkew = TimeSpan.FromMinutes(-4); // its CreatedDate is before our marker by the skew
        var app = h.App.Create(EntityKind.Contact, AppFields(EntityKind.Contact, "Bill Lumbergh"));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app)));

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app));

        Assert.Single(h.Salesforce.All(EntityKind.Contact));
        Assert.Equal(h.Salesforce.All(EntityKind.Contact)[0].Id, h.App.Get(app).SalesforceId);
    }

    [Fact]
    public async Task Case_1_a_lost_create_of_a_contact_without_an_email_is_recognised_by_its_name()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Milton Waddams")));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app)));

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app));

        var record = Assert.Single(h.Salesforce.All(EntityKind.Contact));
        Assert.Equal(record.Id, h.App.Get(app).SalesforceId);
    }

    [Fact]
    public async Task Case_1_a_lost_create_renamed_on_both_sides_since_is_found_by_elimination()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Initech"));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app)));
        var created = Assert.Single(h.Salesforce.All(EntityKind.Account)).Id;
        h.App.Edit(app, Fields.Of(("name", "Initech Corp")));
        h.Salesforce.Edit(created, Fields.Of(("Name", "Initrode")));

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.SyncUntilQuietAsync();

        Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(created, h.App.Get(app).SalesforceId);
        Assert.Equal("Initrode", h.App.Get(app).Fields["name"]); // both changed since the create: Salesforce wins
    }

    [Fact]
    public async Task Case_1_a_lost_create_renamed_on_both_sides_is_recognised_from_the_Salesforce_side_by_the_pending_creates()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Initech"));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app)));
        var created = Assert.Single(h.Salesforce.All(EntityKind.Account)).Id;
        h.App.Edit(app, Fields.Of(("name", "Initech Corp")));
        h.Salesforce.Edit(created, Fields.Of(("Name", "Initrode")));

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(created)); // the Salesforce feed's key alone

        Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(created, h.App.Get(app).SalesforceId);
    }

    [Fact]
    public async Task Case_1_a_lost_create_renamed_in_Salesforce_is_found_by_elimination_when_the_other_create_of_its_request_made_a_record_a_person_deleted()
    {
        // Seed 96922: one request creates two accounts, the answer is lost; a person renames one record in Salesforce and
        // deletes the customer and the record of the other. The deleted record (in the recycle bin, found by the name
        // its create wrote) accounts for that create, so the renamed one can only be the first create's.
        using var h = new SyncHarness();
        var wonka = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Wonka"));
        var initech = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Initech"));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(wonka), RecordKey.ForApp(initech)));
        var made = h.Salesforce.All(EntityKind.Account).ToDictionary(r => r.Fields["Name"]!, r => r.Id);
        h.Salesforce.Edit(made["Wonka"], Fields.Of(("Name", "Globex")));
        h.App.Delete(initech);
        h.Salesforce.Delete(made["Initech"]);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(wonka));

        Assert.Equal(made["Wonka"], h.App.Get(wonka).SalesforceId);
        Assert.Single(h.Salesforce.All(EntityKind.Account), r => !r.IsDeleted);
    }

    [Fact]
    public async Task Case_1_a_lost_create_renamed_in_Salesforce_is_found_by_elimination_although_another_create_was_claimed_after_that_record_was_made()
    {
        // Seeds 5235 and 129358: a create's answer is lost and a person renames the record; minutes later another
        // customer's round claims its create and dies before writing. That marker cannot have made a record created
        // before it was written — in the org's time, which its answers tell — so the renamed record is the first create's.
        using var h = new SyncHarness();
        var wonka = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Wonka"));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(wonka)));
        var made = Assert.Single(h.Salesforce.All(EntityKind.Account)).Id;
        h.Salesforce.Edit(made, Fields.Of(("Name", "Globex")));

        h.Time.Advance(TimeSpan.FromMinutes(2));
        var initech = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Initech"));
        h.Salesforce.DuringWrite = () => throw new SideUnavailableException(Side.Salesforce, "the round dies before its create");
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(initech)));
        h.Salesforce.DuringWrite = null;

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(wonka));

        Assert.Equal(made, h.App.Get(wonka).SalesforceId);
        Assert.Single(h.Salesforce.All(EntityKind.Account), r => !r.IsDeleted);
    }

    [Fact]
    public async Task A_record_the_integration_user_made_outside_the_sync_is_copied_at_once_when_no_create_is_pending()
    {
        using var h = new SyncHarness();
        var other = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Initech"));
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(other)); // our own create, settled
        var loaded = (await h.Salesforce.WriteAsync(new SfSync.Salesforce.SalesforceWriteSet(EntityKind.Account,
            [new SfSync.Salesforce.SalesforceCreate(AppId.Parse("dataloader-1"), Fields.Of(("Name", "Loaded by a data load")))], [], []))).Creates[0].Id!.Value;

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(loaded));

        Assert.Equal(loaded, h.App.All(EntityKind.Account).Single(c => c.Id != other).SalesforceId);
    }

    [Fact]
    public async Task Case_1_a_record_one_lost_create_made_is_never_taken_by_another_pending_create()
    {
        using var h = new SyncHarness();
        var made = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Bill Lumbergh"), ("email", "bill@initech.com")));
        var refused = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Milton Waddams"), ("email", "milton@initech.com")));
        h.Salesforce.Reject = (_, f) => f.GetValueOrDefault("LastName") == "Waddams" ? ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "no") : null;
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(made), RecordKey.ForApp(refused)));
        h.Salesforce.Reject = null;
        h.App.Edit(made, Fields.Of(("email", "bill.lumbergh@initech.com"))); // nothing leads from the app to what was made any more

        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(refused)); // the refused one alone, as a "sync now" would

        var milton = h.App.Get(refused).SalesforceId!.Value;
        Assert.Equal("Waddams", h.Salesforce.Get(milton).Fields["LastName"]);
        Assert.Null(h.App.Get(made).SalesforceId);
    }

    [Fact]
    public async Task Case_1_a_record_left_by_a_lost_create_that_its_retry_made_again_is_never_taken_by_elimination_for_another_create()
    {
        // Seed 41159 of the convergence suite: one request creates Bill (answer lost) and has Milton refused; a person
        // changes Bill's e-mail on both sides, so Bill's retry finds nothing and creates again. Milton's marker is then
        // the only one left, but the record Bill's first attempt made is still unaccounted for: not Milton's.
        using var h = new SyncHarness();
        var made = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Bill Lumbergh"), ("email", "bill@initech.com")));
        var refused = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Milton Waddams"), ("email", "milton@initech.com")));
        h.Salesforce.Reject = (_, f) => f.GetValueOrDefault("LastName") == "Waddams" ? ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "no") : null;
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(made), RecordKey.ForApp(refused)));
        var first = Assert.Single(h.Salesforce.All(EntityKind.Contact)).Id;
        h.App.Edit(made, Fields.Of(("email", "bill.lumbergh@initech.com")));
        h.Salesforce.Edit(first, Fields.Of(("Email", "lumbergh@example.com"), ("LastName", "Lumberg")));

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(made)); // two markers could have made it: creates again
        var bill = h.App.Get(made).SalesforceId!.Value;
        Assert.NotEqual(first, bill);
        Assert.NotNull(h.State.Links.Single(l => l.AppId == made).Unaccounted);

        h.Salesforce.Reject = null;
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(refused)); // the refused one alone, as a "sync now" would

        var milton = h.App.Get(refused).SalesforceId!.Value;
        Assert.NotEqual(first, milton);
        Assert.Equal("Waddams", h.Salesforce.Get(milton).Fields["LastName"]);
    }

    [Fact]
    public async Task Case_1_a_record_left_by_a_lost_create_without_an_e_mail_is_never_taken_for_another_create_without_one()
    {
        // Seed 18858 of the convergence suite: one request creates Jean (no e-mail, answer lost) and has Alan (no e-mail)
        // refused; a person gives Jean an e-mail and renames her, so her retry creates again. The record her first attempt
        // made (renamed in Salesforce too) has a blank e-mail like Alan's create: a blank value alone identifies nothing, and the window of Jean's unaccounted
        // attempt keeps it from Alan by elimination too (in the suite Alan was deleted meanwhile, and the wrong pairing
        // deleted Jean's first record in Salesforce).
        using var h = new SyncHarness();
        var made = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Jean Turing")));
        var refused = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Alan Turing")));
        h.Salesforce.Reject = (_, f) => f.GetValueOrDefault("FirstName") == "Alan" ? ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "no") : null;
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(made), RecordKey.ForApp(refused)));
        var first = Assert.Single(h.Salesforce.All(EntityKind.Contact)).Id;
        h.App.Edit(made, Fields.Of(("email", "ada@example.com"), ("name", "Ada Bartik")));
        h.Salesforce.Edit(first, Fields.Of(("FirstName", "Grace"), ("LastName", "Hopper")));

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(made)); // nothing leads to its first record: creates again
        Assert.NotEqual(first, h.App.Get(made).SalesforceId);

        h.Salesforce.Reject = null;
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(refused));

        var alan = h.App.Get(refused).SalesforceId!.Value;
        Assert.NotEqual(first, alan);
        Assert.Equal("Alan", h.Salesforce.Get(alan).Fields["FirstName"]);
        Assert.Equal("Grace", h.Salesforce.Get(first).Fields["FirstName"]);
    }

    [Fact]
    public async Task Case_1_with_an_External_ID_a_record_made_for_another_app_record_is_never_recognised_by_name()
    {
        // Seed 43037: two contacts of one name in one request, the one without an e-mail refused, the other's answer lost.
        // The refused one's retry looks for its own create by name; the record it finds carries the other's app id.
        using var h = new SyncHarness();
        h.Salesforce.ExternalIdMode = true;
        var made = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Grace Thompson"), ("email", "grace@initech.com")));
        var refused = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Grace Thompson")));
        h.Salesforce.Reject = (_, f) => f.GetValueOrDefault("Email") is null ? ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "no") : null;
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(made), RecordKey.ForApp(refused)));
        var first = Assert.Single(h.Salesforce.All(EntityKind.Contact)).Id;
        h.Salesforce.Reject = null;

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(refused));
        await h.SyncUntilQuietAsync();

        Assert.NotEqual(first, h.App.Get(refused).SalesforceId);
        Assert.Equal(first, h.App.Get(made).SalesforceId);
        Assert.Equal(2, h.Salesforce.All(EntityKind.Contact).Count);
    }

    [Fact]
    public async Task Case_3_a_recognised_create_whose_round_did_not_finish_still_merges_against_the_created_values()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Initech"), ("BillingPostalCode", "10001")));
        h.App.LoseNextUpsertAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account)));
        var customer = Assert.Single(h.App.All(EntityKind.Account)).Id;
        h.App.Edit(customer, Fields.Of(("zip_code", "10002")));

        // A retry recognises the customer and claims it, then Salesforce is down for its write.
        h.Salesforce.DuringWrite = () => h.Salesforce.Unavailable = "503";
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account)));
        h.Salesforce.DuringWrite = null;
        h.Salesforce.Unavailable = null;

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account), RecordKey.ForApp(customer));

        Assert.Equal("10002", h.Salesforce.Get(account).Fields["BillingPostalCode"]); // the person's edit, not a conflict lost to Salesforce
        Assert.Equal("10002", h.App.Get(customer).Fields["zip_code"]);
    }

    [Fact]
    public async Task Case_3_a_person_edit_made_after_a_lost_create_survives_its_retry()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, AppFields(EntityKind.Account, "Initech"));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app)));
        h.App.Edit(app, Fields.Of(("name", "Initech Corp")));

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        var record = Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal("Initech Corp", record.Fields["Name"]); // an app-side change against the created values, not a conflict
        Assert.Equal("Initech Corp", h.App.Get(app).Fields["name"]);
        Assert.Empty(result.Outcomes.Single().Conflicts);
    }

    [Fact]
    public async Task Case_3_an_app_edit_during_the_round_that_recognises_our_create_is_not_lost()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Bill Lumbergh")));

        // The create goes through; the person adds an e-mail before our stamp, and changes it again before the next stamp.
        var edits = new Queue<string>(["bill@initech.com", "bill.lumbergh@initech.com"]);
        h.App.BeforeUpsert = () =>
        {
            if (edits.TryDequeue(out var email))
            {
                h.App.Edit(app, Fields.Of(("email", email)));
            }
        };
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app));
        await h.SyncUntilQuietAsync();

        var record = Assert.Single(h.Salesforce.All(EntityKind.Contact));
        Assert.Equal("bill.lumbergh@initech.com", record.Fields["Email"]);
        Assert.Equal("bill.lumbergh@initech.com", h.App.Get(app).Fields["email"]);
    }

    [Fact]
    public async Task Case_4_a_customer_our_lost_create_made_and_a_person_deleted_before_the_retry_is_not_made_again()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Initech")));
        h.App.LoseNextUpsertAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account)));
        h.App.Delete(Assert.Single(h.App.All(EntityKind.Account)).Id);

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account));

        Assert.Empty(h.App.All(EntityKind.Account)); // a customer deleted in the app stays deleted (§5, Keep)
        Assert.Equal(LinkState.DeletedInApp, Assert.Single(h.State.Links).State);
        Assert.False(h.Salesforce.Get(account).IsDeleted);
    }

    [Fact]
    public async Task Case_3_a_create_in_the_app_that_finds_the_record_an_earlier_attempt_made_never_overwrites_it()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Initech"), ("Description", "Printers")));
        h.App.BeforeUpsert = () => h.App.Unavailable = "503"; // a first attempt leaves its marker: what it was creating
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account)));
        h.App.Unavailable = null;
        Assert.Equal(LinkState.PendingCreateInApp, Assert.Single(h.State.Links).State);

        // Between the retry's read and its create, the record that attempt made shows up — with a person's edit in it.
        AppId? made = null;
        h.App.BeforeUpsert = () =>
        {
            h.App.BeforeUpsert = null;
            made = h.App.Create(EntityKind.Account, Fields.Of(("name", "Initech"), ("description", "Printers and faxes")), salesforceId: account);
        };
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account));

        var customer = Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(made, customer.Id);
        Assert.Equal("Printers and faxes", customer.Fields["description"]);
        Assert.Equal("Printers and faxes", h.Salesforce.Get(account).Fields["Description"]); // an app-side change against what was created
    }

    [Fact]
    public async Task Case_3_a_Salesforce_edit_made_after_a_lost_create_in_the_app_survives_the_retry()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Initech"), ("BillingCountry", "US")));
        h.App.LoseNextUpsertAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account)));
        h.Salesforce.Edit(account, Fields.Of(("BillingCountry", "CA"))); // after the create, before the retry

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account));
        await h.SyncUntilQuietAsync();

        var customer = Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(("CA", "CA"), (customer.Fields["country"], h.Salesforce.Get(account).Fields["BillingCountry"]));
    }

    [Fact]
    public async Task Case_4_a_retried_create_in_the_app_does_not_bring_back_a_record_deleted_in_Salesforce_meanwhile()
    {
        using var h = new SyncHarness();
        var contact = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Bill"), ("LastName", "Lumbergh"), ("Email", "bill@initech.com")));
        h.App.LoseNextUpsertAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(contact)));
        Assert.Single(h.App.All(EntityKind.Contact));
        h.Salesforce.Delete(contact);

        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(contact));

        Assert.Empty(h.Salesforce.All(EntityKind.Contact)); // not created again in Salesforce
        Assert.Empty(h.App.All(EntityKind.Contact)); // deleted in Salesforce → deleted in the app (§5)
        Assert.Empty(h.State.Links);
    }

    [Fact]
    public async Task Case_4_a_lost_create_whose_app_source_was_deleted_meanwhile_follows_the_deletion_rule()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Contact, AppFields(EntityKind.Contact, "Bill Lumbergh"));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app)));
        h.App.Delete(app);

        await h.SyncUntilQuietAsync();

        Assert.Empty(h.Salesforce.All(EntityKind.Contact)); // contact deleted in the app → deleted in Salesforce
        Assert.Empty(h.App.All(EntityKind.Contact));
    }

    [Fact]
    public async Task Case_4_with_an_External_ID_the_record_a_lost_create_made_whose_app_source_was_deleted_meanwhile_is_not_copied_back()
    {
        using var h = new SyncHarness();
        h.Salesforce.ExternalIdMode = true;
        var app = h.App.Create(EntityKind.Contact, AppFields(EntityKind.Contact, "Bill Lumbergh"));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app)));
        var created = Assert.Single(h.Salesforce.All(EntityKind.Contact)).Id;
        h.App.Delete(app);

        // The new record's own batch comes first (the feed brings it): it carries the deleted contact's id as its External ID.
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(created));
        await h.SyncUntilQuietAsync();

        Assert.Empty(h.App.All(EntityKind.Contact)); // never brought back
        Assert.Empty(h.Salesforce.All(EntityKind.Contact)); // contact deleted in the app → deleted in Salesforce
    }

    private static Dictionary<string, string?> AppFields(EntityKind entity, string name) => entity == EntityKind.Account
        ? Fields.Of(("name", name))
        : Fields.Of(("name", name), ("email", "bill@initech.com"));

    private static async Task<List<BatchApplyResult>> PlanAndApplyAsync(SyncHarness h)
    {
        var plan = await h.Planner.PlanAsync(new PlanRequest(Guid.NewGuid().ToString("N"), RunTrigger.Timer, EntityKindNames.All, false));
        var results = new List<BatchApplyResult>();
        foreach (var message in plan.Messages)
        {
            results.Add(await h.Applier.ApplyAsync(message));
        }

        return results;
    }
}
