using SfSync.Model;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>Issue 10, case 7: a contact's account follows its customer's link once there is one, and a person's
/// AccountId change in Salesforce is a Salesforce-side change under §4.</summary>
public class ParentTests
{
    [Fact]
    public async Task Case_7_a_contact_given_an_account_by_company_name_moves_to_its_customers_account_once_that_is_linked()
    {
        using var h = new SyncHarness();
        var guessed = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Globex")));
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Globex")));
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Hank Scorpio"), ("email", "hank@globex.com")), customer);

        // The contact goes first, while its customer has no account: it gets the account named like its company.
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact));
        var created = h.App.Get(contact).SalesforceId!.Value;
        Assert.Equal(guessed, h.Salesforce.Get(created).ParentId);

        // Then the customer is linked — to a new account of its own, since accounts leave duplicates by default.
        await h.SyncUntilQuietAsync();

        var own = h.App.Get(customer).SalesforceId!.Value;
        Assert.NotEqual(guessed, own);
        Assert.Equal(own, h.Salesforce.Get(created).ParentId);
        Assert.Equal(customer, h.App.Get(contact).ParentId);
    }

    [Fact]
    public async Task Case_7_a_contact_taken_off_its_customer_while_Salesforce_holds_our_company_name_guess_leaves_the_guessed_account()
    {
        using var h = new SyncHarness();
        var guessed = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Stark Group")));
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Stark")));
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Pepper Potts"), ("email", "pepper@stark.com")), customer);

        // The contact goes first, while its customer has no account: it gets the account whose name contains its company's.
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact));
        var created = h.App.Get(contact).SalesforceId!.Value;
        Assert.Equal(guessed, h.Salesforce.Get(created).ParentId);

        // A person takes the contact off its customer before that customer is linked. The guess was ours, not a person's
        // choice: it must not come back into the app as the customer of 'Stark Group' ("a blank never overwrites").
        h.App.ClearParent(contact);
        await h.SyncUntilQuietAsync();

        Assert.Null(h.App.Get(contact).ParentId);
        Assert.Null(h.Salesforce.Get(created).ParentId);
    }

    [Fact]
    public async Task A_contact_taken_off_its_customer_in_the_app_gets_the_account_a_person_chose_back_from_Salesforce()
    {
        using var h = new SyncHarness();
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Globex")));
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Hank Scorpio"), ("email", "hank@globex.com")), customer);
        await h.SyncUntilQuietAsync();
        var account = h.App.Get(customer).SalesforceId!.Value;
        var salesforce = h.App.Get(contact).SalesforceId!.Value;
        Assert.Equal(account, h.Salesforce.Get(salesforce).ParentId);

        // Not a guess: the linked account is a value both sides agreed on, so a blank in the app is filled (§4).
        h.App.ClearParent(contact);
        await h.SyncUntilQuietAsync();

        Assert.Equal(customer, h.App.Get(contact).ParentId);
        Assert.Equal(account, h.Salesforce.Get(salesforce).ParentId);
    }

    [Fact]
    public async Task Case_7_an_account_a_person_chooses_in_Salesforce_moves_the_app_contact_to_that_accounts_customer()
    {
        using var h = new SyncHarness();
        var acme = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var globex = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Globex")));
        var contact = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Wile"), ("LastName", "Coyote"), ("Email", "wile@acme.com")), acme);
        await h.SyncUntilQuietAsync();
        var appContact = h.App.All(EntityKind.Contact).Single().Id;

        h.Salesforce.Edit(contact, Fields.Of(), parent: globex);
        await h.SyncUntilQuietAsync();

        var globexCustomer = h.App.All(EntityKind.Account).Single(c => c.SalesforceId == globex).Id;
        Assert.Equal(globexCustomer, h.App.Get(appContact).ParentId);
        Assert.Equal(globex, h.Salesforce.Get(contact).ParentId); // and it stays where the person put it
    }

    [Fact]
    public async Task A_customer_a_person_gives_an_app_contact_while_its_account_had_no_customer_yet_is_an_app_side_change()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var contact = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Wile"), ("LastName", "Coyote"), ("Email", "wile@acme.com")), account);
        var chosen = h.App.Create(EntityKind.Account, Fields.Of(("name", "Globex")));

        // The contact reaches the app before its account has a customer, so it arrives without one; a person then picks one.
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(contact));
        var appContact = h.App.All(EntityKind.Contact).Single().Id;
        Assert.Null(h.App.Get(appContact).ParentId);
        h.App.Edit(appContact, Fields.Of(), parent: chosen);
        await h.SyncUntilQuietAsync();

        Assert.Equal(chosen, h.App.Get(appContact).ParentId);
        Assert.Equal(h.App.Get(chosen).SalesforceId, h.Salesforce.Get(contact).ParentId);
    }

    [Fact]
    public async Task Case_7_a_person_moving_a_contact_in_Salesforce_while_its_customer_is_unlinked_is_never_undone_by_a_guess()
    {
        using var h = new SyncHarness();
        var guessed = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Globex")));
        var chosen = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Initech")));
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Globex")));
        h.Salesforce.Reject = (entity, fields) => entity == EntityKind.Account
            ? ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Accounts need a phone here.") // so the customer is never linked
            : null;
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Hank Scorpio"), ("email", "hank@globex.com")), customer);
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact));
        var created = h.App.Get(contact).SalesforceId!.Value;
        Assert.Equal(guessed, h.Salesforce.Get(created).ParentId);

        h.Salesforce.Edit(created, Fields.Of(), parent: chosen);
        await h.SyncUntilQuietAsync();

        Assert.Equal(chosen, h.Salesforce.Get(created).ParentId);
        var initech = h.App.All(EntityKind.Account).Single(c => c.SalesforceId == chosen).Id;
        Assert.Equal(initech, h.App.Get(contact).ParentId);
    }
    [Fact]
    public async Task A_contact_moved_to_a_linked_customer_while_its_batch_matches_it_by_email_gets_that_customers_account()
    {
        using var h = new SyncHarness();
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Soylent")));
        await h.SyncUntilQuietAsync();
        var account = h.App.Get(customer).SalesforceId!.Value;
        var salesforce = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@example.com")));
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com")));

        // The contacts' batch reads the app contact by id (no customer), then a person moves it to the customer, then the
        // batch's e-mail match reads it again, moved: the round must know that customer's account. Our write then makes the
        // app version newer than the move, so the move is not planned again: the round is its only chance.
        var reads = 0;
        h.App.BeforeRead = () =>
        {
            if (++reads == 2)
            {
                h.App.Edit(contact, Fields.Of(), parent: customer);
            }
        };
        await h.SyncAsync();
        h.App.BeforeRead = null;
        await h.SyncUntilQuietAsync();

        Assert.Equal(salesforce, h.App.Get(contact).SalesforceId);
        Assert.Equal(customer, h.App.Get(contact).ParentId);
        Assert.Equal(account, h.Salesforce.Get(salesforce).ParentId);
    }
    [Fact]
    public async Task A_customer_matched_to_its_account_by_a_round_that_died_before_writing_still_brings_the_accounts_contacts()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:AccountMatching"] = "ExactName" });
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Stark")));
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Stark"), ("phone_number", "555-0100")));
        var contact = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Tony"), ("LastName", "Stark"), ("Email", "tony@stark.com")), account);

        // The contact reaches the app first, without a customer (its account has none yet); the follow-up that would bring
        // it back is lost with its batch. Then the account batch claims the pair and dies before writing either side.
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(contact));
        var appContact = Assert.Single(h.App.All(EntityKind.Contact)).Id;
        Assert.Null(h.App.Get(appContact).ParentId);
        h.Salesforce.DuringWrite = () => h.Salesforce.Unavailable = "down";
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account), RecordKey.ForApp(customer)));
        h.Salesforce.DuringWrite = null;
        h.Salesforce.Unavailable = null;

        // The retry finds the pair claimed: it must still send the account's contacts after it, as the first round would have.
        var retry = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account), RecordKey.ForApp(customer));
        await h.ReconcileAsync(EntityKind.Contact, retry.FollowUps.Where(f => f.Entity == EntityKind.Contact).Select(f => f.Key).ToArray());

        Assert.Equal(customer, h.App.Get(appContact).ParentId);
    }

    [Fact]
    public async Task A_contact_created_before_its_customer_had_an_account_gets_it_although_the_batch_that_linked_the_customer_died_filing_its_follow_ups()
    {
        using var h = new SyncHarness();
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Initech")));
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Peter Gibbons"), ("email", "peter@initech.com")), customer);

        // The contact goes first (a single-record sync), while its customer has no account; the follow-up that would
        // bring it back is lost with that sync.
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact));
        var created = h.App.Get(contact).SalesforceId!.Value;
        Assert.Null(h.Salesforce.Get(created).ParentId);

        // The next run's account batch creates and links the customer's account, then dies filing the follow-ups.
        await h.Planner.PlanAsync(new PlanRequest("run-dies", RunTrigger.Timer, EntityKindNames.All, false));
        var batch = h.Queue.Receive()!;
        Assert.Equal(EntityKind.Account, batch.Entity);
        h.State.BeforeOutboxSave = plan => throw new InvalidOperationException($"storage error saving {plan.PlanId}");
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Applier.ApplyAsync(batch));
        h.State.BeforeOutboxSave = null;
        var account = h.App.Get(customer).SalesforceId!.Value;

        // Its redelivery finds the pair linked: it must still send the contact after it, as the dead delivery would have.
        await h.Applier.ApplyAsync(batch);
        await h.SyncUntilQuietAsync();

        Assert.Equal(account, h.Salesforce.Get(created).ParentId);
        Assert.Equal(customer, h.App.Get(contact).ParentId);
    }
}
