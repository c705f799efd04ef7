using SfSync.Model;
using SfSync.Reconciling;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>The deletion policy of the brief §5, end to end through planner, queue and reconciler.</summary>
public class DeletionTests
{
    private static async Task<(SyncHarness H, SalesforceId Account, AppId Customer, SalesforceId Contact, AppId AppContact)> LinkedPairAsync(Dictionary<string, string?>? settings = null)
    {
        var h = new SyncHarness(settings);
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        var contact = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Wile"), ("LastName", "Coyote"), ("Email", "wile@acme.com")), account);
        await h.SyncUntilQuietAsync();
        var customer = h.App.All(EntityKind.Account).Single().Id;
        var appContact = h.App.All(EntityKind.Contact).Single();
        Assert.Equal(customer, appContact.ParentId);
        return (h, account, customer, contact, appContact.Id);
    }

    [Fact]
    public async Task An_account_deleted_in_Salesforce_is_deleted_in_the_app()
    {
        var (h, account, customer, _, _) = await LinkedPairAsync();
        using var _h = h;

        h.Salesforce.Delete(account);
        await h.SyncUntilQuietAsync();

        Assert.Empty(h.App.All(EntityKind.Account));
        Assert.Empty(h.App.All(EntityKind.Contact));
        Assert.DoesNotContain(h.State.Links, l => l.AppId == customer);
    }

    [Fact]
    public async Task A_contact_deleted_in_Salesforce_is_deleted_in_the_app()
    {
        var (h, _, _, contact, appContact) = await LinkedPairAsync();
        using var _h = h;

        h.Salesforce.Delete(contact);
        await h.SyncUntilQuietAsync();

        Assert.Empty(h.App.All(EntityKind.Contact));
        Assert.Single(h.App.All(EntityKind.Account));
        Assert.DoesNotContain(h.State.Links, l => l.AppId == appContact);
    }

    [Fact]
    public async Task A_contact_deleted_in_the_app_is_deleted_in_Salesforce()
    {
        var (h, _, _, contact, appContact) = await LinkedPairAsync();
        using var _h = h;

        h.App.Delete(appContact);
        await h.SyncUntilQuietAsync();

        Assert.True(h.Salesforce.Get(contact).IsDeleted);
        Assert.Empty(h.Salesforce.All(EntityKind.Contact));
    }

    [Fact]
    public async Task A_customer_deleted_in_the_app_stays_in_Salesforce_with_its_contacts()
    {
        var (h, account, customer, contact, _) = await LinkedPairAsync();
        using var _h = h;

        h.App.Delete(customer); // the app deletes its contacts with it
        await h.SyncUntilQuietAsync();

        Assert.False(h.Salesforce.Get(account).IsDeleted);
        Assert.False(h.Salesforce.Get(contact).IsDeleted);
        Assert.Equal(LinkState.DeletedInApp, h.State.Links.Single(l => l.SalesforceId == account).State);
        Assert.Empty(h.App.All(EntityKind.Account));
    }

    [Fact]
    public async Task A_customer_deleted_in_the_app_comes_back_with_its_contacts_when_its_account_changes()
    {
        var (h, account, customer, contact, _) = await LinkedPairAsync();
        using var _h = h;
        h.App.Delete(customer);
        await h.SyncUntilQuietAsync();

        h.Salesforce.Edit(account, Fields.Of(("Phone", "555-0199")));
        await h.SyncUntilQuietAsync();

        var recreated = Assert.Single(h.App.All(EntityKind.Account));
        Assert.NotEqual(customer, recreated.Id);
        Assert.Equal(("Acme", "555-0199", (SalesforceId?)account), (recreated.Fields["name"], recreated.Fields["phone_number"], recreated.SalesforceId));
        var recreatedContact = Assert.Single(h.App.All(EntityKind.Contact));
        Assert.Equal(("Wile Coyote", (AppId?)recreated.Id, (SalesforceId?)contact), (recreatedContact.Fields["name"], recreatedContact.ParentId, recreatedContact.SalesforceId));
    }

    [Fact]
    public async Task A_customer_whose_re_creation_lost_its_answer_comes_back_with_its_contacts_through_the_retry()
    {
        var (h, account, customer, contact, _) = await LinkedPairAsync();
        using var _h = h;
        h.App.Delete(customer);
        await h.SyncUntilQuietAsync();
        h.Salesforce.Edit(account, Fields.Of(("Phone", "555-0199")));

        // The round re-creates the customer, but its answer is lost: the round ends before it files the account's
        // contacts. The retry finds the customer it made and must bring them, as the create would have (seed 22593).
        h.App.LoseNextUpsertAnswer = true;
        await h.SyncUntilQuietAsync();

        var recreated = Assert.Single(h.App.All(EntityKind.Account));
        Assert.NotEqual(customer, recreated.Id);
        var recreatedContact = Assert.Single(h.App.All(EntityKind.Contact));
        Assert.Equal(((AppId?)recreated.Id, (SalesforceId?)contact), (recreatedContact.ParentId, recreatedContact.SalesforceId));
    }

    [Fact]
    public async Task A_customer_a_person_deletes_after_a_round_read_it_is_not_created_in_Salesforce()
    {
        using var h = new SyncHarness();
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme"), ("phone_number", "555-0100")));

        // The round reads the customer, then a person deletes it before the round writes: a Salesforce create cannot be
        // conditional on the app, so the round reads its source again once it holds the claim (fate soak seed 109545).
        var reads = 0;
        h.App.BeforeRead = () =>
        {
            if (reads++ == 1)
            {
                h.App.Delete(customer);
            }
        };
        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer));
        h.App.BeforeRead = null;

        Assert.Empty(h.Salesforce.All(EntityKind.Account));
        Assert.DoesNotContain(h.State.Links, l => l.AppId == customer);
        Assert.DoesNotContain(result.Outcomes, o => o.Salesforce.Kind == OutcomeKind.Created);
    }

    [Fact]
    public async Task A_customer_whose_re_creation_died_before_the_app_write_is_re_created_by_the_retry()
    {
        var (h, account, customer, _, _) = await LinkedPairAsync();
        using var _h = h;
        h.App.Delete(customer);
        await h.SyncUntilQuietAsync();
        h.Salesforce.Edit(account, Fields.Of(("Phone", "555-0199")));

        // The round that re-creates the customer stores its marker, then finds the app down: no customer is made. The
        // deleted customer still carries the account's id, but it is not the record the re-create would have made.
        h.App.BeforeUpsert = () => h.App.Unavailable = "down";
        await h.SyncAsync();
        h.App.BeforeUpsert = null;
        h.App.Unavailable = null;
        Assert.Empty(h.App.All(EntityKind.Account));
        h.Time.Advance(TimeSpan.FromHours(1)); // past the deferred batch's next attempt
        await h.SyncUntilQuietAsync();

        var recreated = Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(("555-0199", (SalesforceId?)account), (recreated.Fields["phone_number"], recreated.SalesforceId));
    }

    [Fact]
    public async Task A_customer_deleted_in_the_app_is_not_recreated_while_its_account_is_unchanged()
    {
        var (h, _, customer, _, _) = await LinkedPairAsync();
        using var _h = h;
        h.App.Delete(customer);
        await h.SyncUntilQuietAsync();

        h.Time.Advance(TimeSpan.FromHours(1));
        await h.SyncUntilQuietAsync();

        Assert.Empty(h.App.All(EntityKind.Account));
    }

    [Fact]
    public async Task Case_9_a_Salesforce_edit_that_arrives_before_the_customer_deletion_is_processed_brings_the_customer_back()
    {
        var (h, account, customer, contact, _) = await LinkedPairAsync();
        using var _h = h;

        h.App.Delete(customer);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Salesforce.Edit(account, Fields.Of(("Phone", "555-0199"))); // after the deletion, before any sync saw it
        await h.SyncUntilQuietAsync();

        var recreated = Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(("555-0199", (SalesforceId?)account), (recreated.Fields["phone_number"], recreated.SalesforceId));
        Assert.Equal((SalesforceId?)contact, Assert.Single(h.App.All(EntityKind.Contact)).SalesforceId);
    }

    [Fact]
    public async Task Case_9_a_full_resync_that_is_first_to_see_a_customer_deletion_creates_the_customer_again()
    {
        var (h, account, customer, _, _) = await LinkedPairAsync();
        using var _h = h;

        h.App.Delete(customer);
        await h.SyncAsync(full: true);
        await h.SyncUntilQuietAsync();

        Assert.Equal(account, Assert.Single(h.App.All(EntityKind.Account)).SalesforceId);
        Assert.Single(h.App.All(EntityKind.Contact));
    }

    [Fact]
    public async Task A_customer_created_again_for_its_account_brings_back_the_contacts_kept_when_the_last_one_was_deleted()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        var contact = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Wile"), ("LastName", "Coyote"), ("Email", "wile@acme.com")), account);
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme")));
        h.State.Put(new Link(EntityKind.Account, account, customer, LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null)); // imported, never synced
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(contact)); // the contact reaches the app first, under that customer
        Assert.Equal(customer, h.App.All(EntityKind.Contact).Single().ParentId);

        h.App.Delete(customer); // and the customer goes, with the contact, before the pair was ever synced
        await h.SyncUntilQuietAsync();
        Assert.Empty(h.App.All(EntityKind.Account)); // the pair was a pair: the customer's deletion is kept (§5)

        h.Salesforce.Edit(account, Fields.Of(("Phone", "555-0199"))); // until its account changes
        await h.SyncUntilQuietAsync();

        var recreated = Assert.Single(h.App.All(EntityKind.Account));
        Assert.Equal(account, recreated.SalesforceId);
        Assert.Equal((recreated.Id, (SalesforceId?)contact), (h.App.All(EntityKind.Contact).Single().ParentId!.Value, h.App.All(EntityKind.Contact).Single().SalesforceId));
    }

    [Fact]
    public async Task An_imported_pair_whose_app_record_is_deleted_before_the_first_sync_follows_the_deletion_rules()
    {
        using var h = new SyncHarness();
        var salesforce = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@example.com")));
        var app = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada King"), ("email", "ada.king@example.com")));
        h.State.Put(new Link(EntityKind.Contact, salesforce, app, LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null)); // imported
        h.App.Delete(app); // it existed, and a person deleted it before the first sync

        await h.SyncUntilQuietAsync();

        Assert.Empty(h.Salesforce.All(EntityKind.Contact)); // contact deleted in the app → deleted in Salesforce
        Assert.Empty(h.App.All(EntityKind.Contact)); // not copied back
    }

    [Fact]
    public async Task A_matched_pair_whose_first_round_died_before_storing_its_link_still_follows_the_deletion_rules()
    {
        using var h = new SyncHarness();
        var salesforce = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@example.com")));
        var app = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada King"), ("email", "ada@example.com")));
        var writes = 0;
        h.State.BeforeLinkWrite = _ =>
        {
            if (++writes == 2)
            {
                throw new InvalidOperationException("the process died"); // after the claim and the side writes, before the link
            }
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app)));
        h.State.BeforeLinkWrite = null;
        Assert.Equal(salesforce, h.App.Get(app).SalesforceId); // the sides were written: the pair has been in step

        h.Salesforce.Delete(salesforce);
        h.Time.Advance(TimeSpan.FromMinutes(20)); // past the dead round's lease
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(salesforce));

        Assert.Empty(h.App.All(EntityKind.Contact)); // deleted in Salesforce → deleted in the app
        Assert.Empty(h.Salesforce.All(EntityKind.Contact)); // and not created again
    }

    [Fact]
    public async Task A_customer_deleted_after_a_matching_round_wrote_both_sides_and_died_stays_deleted_while_its_account_is_unchanged()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:AccountMatching"] = "ExactName" });
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme"), ("city", "Lyon")));
        var writes = 0;
        h.State.BeforeLinkWrite = _ =>
        {
            if (++writes == 2)
            {
                throw new InvalidOperationException("the process died"); // after the claim and both side writes, before the link
            }
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer)));
        h.State.BeforeLinkWrite = null;
        Assert.Equal(("Lyon", "555-0100"), (h.Salesforce.Get(account).Fields["BillingCity"], h.App.Get(customer).Fields["phone_number"]));

        // The pair has been in step; the person deletes the customer, and nobody touches the account afterwards.
        h.App.Delete(customer);
        h.Time.Advance(TimeSpan.FromMinutes(20)); // past the dead round's lease
        await h.SyncUntilQuietAsync();

        Assert.DoesNotContain(h.App.All(EntityKind.Account), c => !c.Deleted); // Keep: not re-created for a change nobody made
        Assert.False(h.Salesforce.Get(account).IsDeleted);
    }

    [Fact]
    public async Task A_customer_matched_by_name_and_deleted_before_its_first_round_stored_a_base_comes_back_when_its_account_changes()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:AccountMatching"] = "ExactName" });
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme")));

        // The first round matches the pair and copies the phone into the app; that answer is lost, so the link is stored
        // without a base (seed 239638) and the batch is deferred.
        h.App.LoseNextUpsertAnswer = true;
        await h.SyncAsync();
        Assert.Equal("555-0100", h.App.Get(customer).Fields["phone_number"]);
        Assert.Null(Assert.Single(h.State.Links, l => l.AppId == customer).Base);

        // The person deletes the customer, then edits its account, before any sync sees the deletion.
        h.App.Delete(customer);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Salesforce.Edit(account, Fields.Of(("BillingStreet", "1 Main St")));
        h.Time.Advance(TimeSpan.FromMinutes(20)); // past the deferral
        await h.SyncUntilQuietAsync();

        var recreated = Assert.Single(h.App.All(EntityKind.Account), c => !c.Deleted);
        Assert.Equal(("1 Main St", (SalesforceId?)account), (recreated.Fields["street"], recreated.SalesforceId));
    }

    [Fact]
    public async Task An_imported_pair_that_never_agreed_stays_deleted_when_its_customer_is_deleted_before_the_first_sync()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme"), ("city", "Lyon")));
        h.State.Put(new Link(EntityKind.Account, account, customer, LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null)); // imported, no base
        h.App.Delete(customer); // the customer lacked the phone, but nobody saved the account since the import

        await h.SyncUntilQuietAsync();

        Assert.DoesNotContain(h.App.All(EntityKind.Account), c => !c.Deleted);
        Assert.False(h.Salesforce.Get(account).IsDeleted);
    }

    [Fact]
    public async Task A_customer_deleted_after_a_round_copied_a_Salesforce_edit_into_it_and_died_stays_deleted()
    {
        var (h, account, customer, _, _) = await LinkedPairAsync();
        using var _h = h;
        h.Salesforce.Edit(account, Fields.Of(("Phone", "555-0199")));

        // The round copies the person's edit into the app and dies before it stores the base (seed 82592: the upsert's
        // answer was lost), so the link still holds the old phone.
        h.State.BeforeLinkWrite = _ =>
        {
            if (h.App.Get(customer).Fields["phone_number"] == "555-0199")
            {
                throw new InvalidOperationException("the process died");
            }
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account)));
        h.State.BeforeLinkWrite = null;

        // The customer was deleted holding Salesforce's phone: nothing in Salesforce is news since.
        h.App.Delete(customer);
        h.Time.Advance(TimeSpan.FromMinutes(20)); // past the dead round's lease
        await h.SyncUntilQuietAsync();

        Assert.DoesNotContain(h.App.All(EntityKind.Account), c => !c.Deleted);
        Assert.False(h.Salesforce.Get(account).IsDeleted);
    }

    [Fact]
    public async Task A_contact_moved_off_its_customer_and_deleted_after_that_customer_was_deleted_is_deleted_in_Salesforce()
    {
        var (h, account, customer, contact, appContact) = await LinkedPairAsync();
        using var _h = h;

        h.App.Get(appContact).ParentId = null; // the person takes the contact off its customer ...
        h.App.Edit(appContact, Fields.Of());
        h.App.Delete(customer);                // ... deletes the customer (the contact is no longer under it) ...
        h.App.Delete(appContact);              // ... and then the contact on its own, all before any sync
        await h.SyncUntilQuietAsync();

        Assert.True(h.Salesforce.Get(contact).IsDeleted); // its tombstone names no customer: the contact's own rule
        Assert.Empty(h.App.All(EntityKind.Contact)); // and it does not come back with a re-created customer
        Assert.False(h.Salesforce.Get(account).IsDeleted);
    }

    [Fact]
    public async Task A_contact_deleted_on_its_own_before_its_customer_was_deleted_is_deleted_in_Salesforce()
    {
        var (h, account, customer, contact, appContact) = await LinkedPairAsync();
        using var _h = h;

        h.App.Delete(appContact);           // the person deletes the contact first ...
        h.App.Delete(customer);             // ... and its customer afterwards, before any sync
        await h.SyncUntilQuietAsync();

        Assert.True(h.Salesforce.Get(contact).IsDeleted); // the contact's own rule: propagate
        Assert.False(h.Salesforce.Get(account).IsDeleted); // the customer's rule: keep
    }

    [Fact]
    public async Task Case_11_a_contact_moved_to_another_customer_and_deleted_with_it_follows_the_customers_rule()
    {
        var (h, _, _, contact, appContact) = await LinkedPairAsync();
        using var _h = h;
        var other = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Globex")));
        await h.SyncUntilQuietAsync();
        var otherCustomer = h.App.All(EntityKind.Account).Single(c => c.SalesforceId == other).Id;

        // In the app, the contact moves to the other customer, which is then deleted with its contacts — before any sync.
        h.App.Edit(appContact, Fields.Of(), parent: otherCustomer);
        h.App.Delete(otherCustomer);
        await h.SyncUntilQuietAsync();

        Assert.False(h.Salesforce.Get(contact).IsDeleted); // a customer deletion keeps Salesforce's records (§5)
        Assert.False(h.Salesforce.Get(other).IsDeleted);
    }

    [Fact]
    public async Task A_full_resync_recreates_every_app_customer_still_in_Salesforce()
    {
        var (h, account, customer, _, _) = await LinkedPairAsync();
        using var _h = h;
        h.App.Delete(customer);
        await h.SyncUntilQuietAsync();

        await h.SyncAsync(full: true);
        await h.SyncUntilQuietAsync();

        Assert.Equal(account, Assert.Single(h.App.All(EntityKind.Account)).SalesforceId);
        Assert.Single(h.App.All(EntityKind.Contact));
    }

    [Fact]
    public async Task With_Keep_for_Salesforce_deletions_the_app_record_stays_and_comes_back_to_Salesforce_when_edited()
    {
        var (h, account, customer, _, _) = await LinkedPairAsync(new Dictionary<string, string?>
        {
            ["Sync:Deletions:Account:WhenDeletedInSalesforce"] = "Keep",
        });
        using var _h = h;
        h.Salesforce.Delete(account);
        await h.SyncUntilQuietAsync();
        Assert.Single(h.App.All(EntityKind.Account));

        h.App.Edit(customer, Fields.Of(("phone_number", "555-0142")));
        await h.SyncUntilQuietAsync();

        var recreated = Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.NotEqual(account, recreated.Id);
        Assert.Equal(("Acme", "555-0142"), (recreated.Fields["Name"], recreated.Fields["Phone"]));
        Assert.Equal(recreated.Id, h.App.Get(customer).SalesforceId);
    }

    [Fact]
    public async Task With_Keep_for_Salesforce_deletions_an_account_deleted_after_a_round_copied_an_app_edit_into_it_and_died_stays_deleted()
    {
        var (h, account, customer, _, _) = await LinkedPairAsync(new Dictionary<string, string?>
        {
            ["Sync:Deletions:Account:WhenDeletedInSalesforce"] = "Keep",
        });
        using var _h = h;
        h.App.Edit(customer, Fields.Of(("phone_number", "555-0142")));
        h.State.BeforeLinkWrite = _ =>
        {
            if (h.Salesforce.Get(account).Fields["Phone"] == "555-0142")
            {
                throw new InvalidOperationException("the process died"); // the edit is in Salesforce, the base is not stored
            }
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer)));
        h.State.BeforeLinkWrite = null;

        h.Salesforce.Delete(account); // deleted holding the app's phone: nothing in the app is news since
        h.Time.Advance(TimeSpan.FromMinutes(20));
        await h.SyncUntilQuietAsync();

        Assert.DoesNotContain(h.Salesforce.All(EntityKind.Account), a => !a.IsDeleted);
        Assert.Single(h.App.All(EntityKind.Account));
    }

    [Fact]
    public async Task With_Keep_for_app_contact_deletions_the_Salesforce_contact_stays()
    {
        var (h, _, _, contact, appContact) = await LinkedPairAsync(new Dictionary<string, string?>
        {
            ["Sync:Deletions:Contact:WhenDeletedInApp"] = "Keep",
        });
        using var _h = h;

        h.App.Delete(appContact);
        var rounds = await h.SyncUntilQuietAsync();

        Assert.False(h.Salesforce.Get(contact).IsDeleted);
        Assert.Equal(0, rounds.Sum(r => r.Summary.Salesforce.Deleted));
    }

    [Fact]
    public async Task With_Keep_for_app_contact_deletions_the_contact_is_created_again_from_Salesforce_by_the_next_sync()
    {
        var (h, _, customer, contact, appContact) = await LinkedPairAsync(new Dictionary<string, string?>
        {
            ["Sync:Deletions:Contact:WhenDeletedInApp"] = "Keep",
        });
        using var _h = h;

        h.App.Delete(appContact);
        await h.SyncUntilQuietAsync(); // no Salesforce edit in between

        var back = Assert.Single(h.App.All(EntityKind.Contact));
        Assert.NotEqual(appContact, back.Id);
        Assert.Equal(((SalesforceId?)contact, (AppId?)customer, "wile@acme.com"), (back.SalesforceId, back.ParentId, back.Fields["email"]));
        Assert.Contains(h.State.Links, l => l.AppId == back.Id && l.SalesforceId == contact && l.State == LinkState.Active);
        Assert.False(h.Salesforce.Get(contact).IsDeleted);
    }
}
