using SfSync.Model;
using SfSync.Reconciling;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>Issue 10, cases 2 and 6: batches in flight at once, and people editing inside a batch's read→write window.</summary>
public class ConcurrentBatchTests
{
    [Fact]
    public async Task Case_2_of_two_batches_matching_one_Salesforce_contact_the_loser_writes_nothing_of_its_decision()
    {
        using var h = new SyncHarness();
        var salesforce = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@example.com")));
        var first = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada (one)"), ("email", "ada@example.com")));
        var second = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada (two)"), ("email", "ada@example.com")));

        // The second batch runs to its end inside the first batch's claim: both read the contact as free.
        ReconcileResult? inner = null;
        h.State.BeforeLinkWrite = state =>
        {
            h.State.BeforeLinkWrite = null;
            inner = h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(second)).GetAwaiter().GetResult();
        };
        var outer = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(first));

        // The second batch claimed first and linked; the first batch's lost claim wrote neither side.
        Assert.Equal(salesforce, h.App.Get(second).SalesforceId);
        Assert.Equal("Ada Lovelace", h.App.Get(second).Fields["name"]);
        Assert.Equal("Ada (one)", h.App.Get(first).Fields["name"]);
        Assert.NotEqual(salesforce, h.App.Get(first).SalesforceId);
        Assert.Equal("Lovelace", h.Salesforce.Get(salesforce).Fields["LastName"]);

        // Every key has an outcome, and the first was reconciled again from fresh state: created on its own.
        Assert.Equal(second, Assert.Single(inner!.Outcomes).AppId);
        var outcome = Assert.Single(outer.Outcomes);
        Assert.Equal((first, OutcomeKind.Created), (outcome.AppId!.Value, outcome.Salesforce.Kind));
        Assert.Equal(2, h.State.Links.Count(l => l.State == LinkState.Active));
    }

    [Fact]
    public async Task Case_2_a_record_another_batch_is_creating_is_not_matched_until_that_create_is_settled()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com")));

        // While our batch creates the app contact in Salesforce, a person makes a contact with that e-mail in Salesforce
        // and another batch reconciles it: it must neither copy it into the app nor pair it with the contact being created.
        ReconcileResult? other = null;
        h.Salesforce.DuringWrite = () =>
        {
            h.Salesforce.DuringWrite = null;
            var person = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@example.com")));
            other = h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(person)).GetAwaiter().GetResult();
        };
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(app));

        Assert.Single(h.App.All(EntityKind.Contact));
        var outcome = Assert.Single(other!.Outcomes);
        Assert.Equal(SyncErrorCode.ConcurrentUpdate, outcome.App.Code);
        var followUp = Assert.Single(other.FollowUps); // and it is looked at again once the create is settled
        Assert.Equal(outcome.SalesforceId, followUp.Key.SalesforceId);
    }

    [Fact]
    public async Task Switching_off_the_race_re_reconcile_would_leave_the_loser_unsynced()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:RaceAttempts"] = "1" });
        var salesforce = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@example.com")));
        var first = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada (one)"), ("email", "ada@example.com")));
        var second = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada (two)"), ("email", "ada@example.com")));
        h.State.BeforeLinkWrite = _ =>
        {
            h.State.BeforeLinkWrite = null;
            h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(second)).GetAwaiter().GetResult();
        };

        var outer = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(first));

        // With a single round the loser is reported as contended and left for a follow-up instead of being written.
        Assert.Equal(SyncErrorCode.ConcurrentUpdate, Assert.Single(outer.Outcomes).Salesforce.Code);
        Assert.Single(outer.FollowUps);
        Assert.Single(h.Salesforce.All(EntityKind.Contact));
        Assert.Equal(salesforce, h.App.Get(second).SalesforceId);
    }

    [Fact]
    public async Task Case_2_a_batch_never_decides_from_a_base_another_batch_replaced_while_it_was_reading()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        await h.SyncUntilQuietAsync();
        var customer = h.App.All(EntityKind.Account).Single().Id;
        h.App.Edit(customer, Fields.Of(("name", "Acme One")));

        // Between this batch's link read and its record reads, another batch takes "Acme One" to Salesforce and stores
        // the new base, and then the person renames the customer again.
        h.App.BeforeRead = () =>
        {
            h.App.BeforeRead = null;
            h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer)).GetAwaiter().GetResult();
            h.App.Edit(customer, Fields.Of(("name", "Acme Two")));
        };
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer));

        // Against the base it read (Acme), both sides changed and Salesforce would win; against the true base (Acme One)
        // only the app changed. The person's last edit stands.
        Assert.Equal("Acme Two", h.App.Get(customer).Fields["name"]);
        Assert.Equal("Acme Two", h.Salesforce.Get(account).Fields["Name"]);
    }

    [Fact]
    public async Task Case_2_a_record_another_batch_links_while_this_one_reads_is_read_again_not_paired_with_another()
    {
        using var h = new SyncHarness();
        var first = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Lovelace"), ("Email", "twin@example.com")));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var second = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("LastName", "Byron"), ("Email", "twin@example.com")));
        var ada = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada Lovelace"), ("email", "twin@example.com")));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var annabella = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Annabella Byron"), ("email", "twin@example.com")));

        // After this batch read its links and records, and before it looks up who owns its candidates, a "sync now" of
        // Ada links her to the earliest Salesforce contact.
        h.State.BeforeLinkFind = n =>
        {
            if (n == 1)
            {
                h.State.BeforeLinkFind = null;
                h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(ada)).GetAwaiter().GetResult();
            }
        };
        var result = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(ada), RecordKey.ForApp(annabella));

        Assert.Equal(first, h.App.Get(ada).SalesforceId);
        Assert.Equal(second, h.App.Get(annabella).SalesforceId); // not a third Salesforce contact
        Assert.Equal(2, h.Salesforce.All(EntityKind.Contact).Count);
        Assert.DoesNotContain(result.Outcomes, o => o.Failed);
    }

    [Fact]
    public async Task Case_6_a_round_that_died_after_writing_Salesforce_never_turns_a_later_app_edit_into_a_lost_conflict()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        await h.SyncUntilQuietAsync();
        var customer = h.App.All(EntityKind.Account).Single().Id;

        // The app fills the phone; the round writes it to Salesforce and dies before it stores the new base.
        h.App.Edit(customer, Fields.Of(("phone_number", "555-0100"), ("city", "Berlin")));
        h.Salesforce.Edit(account, Fields.Of(("Description", "Key account")));
        h.App.BeforeUpsert = () =>
        {
            h.App.BeforeUpsert = null;
            throw new InvalidOperationException("the process died");
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer)));
        Assert.Equal("555-0100", h.Salesforce.Get(account).Fields["Phone"]);

        // The person then changes the phone again; our own write must not count as a Salesforce-side change.
        h.App.Edit(customer, Fields.Of(("phone_number", "555-0199")));
        h.Time.Advance(TimeSpan.FromMinutes(20)); // past the dead round's lease
        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer));

        Assert.Equal(("555-0199", "555-0199"), (h.Salesforce.Get(account).Fields["Phone"], h.App.Get(customer).Fields["phone_number"]));
        Assert.Equal("Key account", h.App.Get(customer).Fields["description"]);
        Assert.Empty(result.Outcomes.Single().Conflicts);
    }

    [Fact]
    public async Task Case_6_a_second_round_that_dies_before_its_Salesforce_write_keeps_what_the_first_dead_rounds_write_taught()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme")));
        await h.SyncUntilQuietAsync();
        var customer = h.App.All(EntityKind.Account).Single().Id;

        // A first round writes the app's phone to Salesforce and dies before it stores the new base.
        h.App.Edit(customer, Fields.Of(("phone_number", "555-0100")));
        h.App.BeforeUpsert = () =>
        {
            h.App.BeforeUpsert = null;
            throw new InvalidOperationException("the process died");
        };
        h.Salesforce.Edit(account, Fields.Of(("Description", "Key account")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer)));
        Assert.Equal("555-0100", h.Salesforce.Get(account).Fields["Phone"]);

        // A person changes the phone again; a second round claims the pair with its own intent and dies in its Salesforce
        // write, before that write lands.
        h.App.Edit(customer, Fields.Of(("phone_number", "555-0199")));
        h.Time.Advance(TimeSpan.FromMinutes(20)); // past the first round's lease
        h.Salesforce.DuringWrite = () =>
        {
            h.Salesforce.DuringWrite = null;
            throw new InvalidOperationException("the process died");
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer)));
        Assert.Equal("555-0100", h.Salesforce.Get(account).Fields["Phone"]);

        // Salesforce still holds the first round's value: that is ours, not a person's, so the person's edit goes through.
        h.Time.Advance(TimeSpan.FromMinutes(20));
        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer));

        Assert.Equal(("555-0199", "555-0199"), (h.Salesforce.Get(account).Fields["Phone"], h.App.Get(customer).Fields["phone_number"]));
        Assert.Equal("Key account", h.App.Get(customer).Fields["description"]);
        Assert.Empty(result.Outcomes.Single().Conflicts);
    }

    [Fact]
    public async Task Case_6_a_matched_pairs_second_round_refused_by_a_row_lock_keeps_what_the_first_dead_rounds_write_taught()
    {
        // Seed 167569: a pair matched by name, never synced. Round 1 writes the app's state to Salesforce and dies; a person
        // edits the state again; round 2's Salesforce write is refused by a row lock, and releasing its claim must not
        // forget that Salesforce's state was ours — else round 3 sees a no-base conflict and the person's edit is lost.
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:AccountMatching"] = "ExactName" });
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Wonka"), ("Phone", "555-0100")));
        var customer = h.App.Create(EntityKind.Account, Fields.Of(("name", "Wonka"), ("state", "Oregon")));
        h.App.BeforeUpsert = () =>
        {
            h.App.BeforeUpsert = null;
            throw new InvalidOperationException("the process died");
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer)));
        Assert.Equal("Oregon", h.Salesforce.Get(account).Fields["BillingState"]);

        h.App.Edit(customer, Fields.Of(("state", "Utah")));
        h.Time.Advance(TimeSpan.FromMinutes(20)); // past the first round's lease
        h.Salesforce.Reject = (_, _) => ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record");
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer));
        h.Salesforce.Reject = null;
        Assert.Equal("Oregon", h.Salesforce.Get(account).Fields["BillingState"]);

        h.Time.Advance(TimeSpan.FromMinutes(20));
        await h.SyncUntilQuietAsync();

        Assert.Equal(("Utah", "Utah"), (h.Salesforce.Get(account).Fields["BillingState"], h.App.Get(customer).Fields["state"]));
    }

    [Fact]
    public async Task Case_2_a_round_that_stalls_after_its_claim_writes_nothing_once_its_hold_is_running_out()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Initech")));
        h.State.AfterLinkWrite = () =>
        {
            // The process stalls right after its claim — long enough that its hold runs out and another batch, seeing
            // the hold gone, creates the account.
            h.State.AfterLinkWrite = null;
            h.Time.Advance(TimeSpan.FromMinutes(16));
            h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app)).GetAwaiter().GetResult();
        };

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        // The stalled round writes nothing from its old read: it reads again and finds the account the other made.
        var account = Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(account.Id, h.App.Get(app).SalesforceId);
        Assert.NotEqual(OutcomeKind.Created, Assert.Single(result.Outcomes).Salesforce.Kind);
    }

    [Fact]
    public async Task Case_6_an_app_edit_committed_between_our_read_and_our_write_is_never_dropped()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        await h.SyncUntilQuietAsync();
        var customer = h.App.All(EntityKind.Account).Single().Id;

        // Salesforce changes the phone; while our write of it to the app is on its way, a person edits the city in the app.
        h.Salesforce.Edit(account, Fields.Of(("Phone", "555-0199")));
        h.App.BeforeUpsert = () =>
        {
            h.App.BeforeUpsert = null;
            h.App.Edit(customer, Fields.Of(("city", "Springfield")));
        };
        await h.SyncUntilQuietAsync();

        Assert.Equal(("555-0199", "Springfield"), (h.App.Get(customer).Fields["phone_number"], h.App.Get(customer).Fields["city"]));
        Assert.Equal("Springfield", h.Salesforce.Get(account).Fields["BillingCity"]);
    }

    [Fact]
    public async Task Case_6_a_second_app_edit_during_a_round_that_wrote_Salesforce_is_not_taken_for_a_conflict()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100"), ("BillingCity", "Berlin")));
        await h.SyncUntilQuietAsync();
        var customer = h.App.All(EntityKind.Account).Single().Id;

        // Salesforce changes the phone, the app the city; while our round writes both, the person changes the city again.
        h.Salesforce.Edit(account, Fields.Of(("Phone", "555-0199")));
        h.App.Edit(customer, Fields.Of(("city", "Hamburg")));
        h.App.BeforeUpsert = () =>
        {
            h.App.BeforeUpsert = null;
            h.App.Edit(customer, Fields.Of(("city", "Munich")));
        };
        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account));

        Assert.Equal(("Munich", "555-0199"), (h.Salesforce.Get(account).Fields["BillingCity"], h.Salesforce.Get(account).Fields["Phone"]));
        Assert.Equal(("Munich", "555-0199"), (h.App.Get(customer).Fields["city"], h.App.Get(customer).Fields["phone_number"]));
        Assert.Empty(result.Outcomes.Single().Conflicts);
    }

    [Fact]
    public async Task Case_6_a_person_editing_the_very_field_we_write_at_that_instant_still_converges_on_the_next_run()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        await h.SyncUntilQuietAsync();
        var customer = h.App.All(EntityKind.Account).Single().Id;

        h.App.Edit(customer, Fields.Of(("phone_number", "555-0150")));
        h.Salesforce.DuringWrite = () =>
        {
            h.Salesforce.DuringWrite = null;
            h.Salesforce.Edit(account, Fields.Of(("Phone", "555-0177"))); // the field we are writing, at that instant
        };
        await h.SyncUntilQuietAsync();

        Assert.Equal(h.Salesforce.Get(account).Fields["Phone"], h.App.Get(customer).Fields["phone_number"]);
    }

    [Fact]
    public async Task A_create_whose_app_record_changed_after_the_read_is_decided_again_and_leaves_no_trace_of_an_attempt()
    {
        using var h = new SyncHarness();
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com")));

        // A person edits the contact after the round read it: the round holds its marker, reads the contact again, and
        // decides again. Its marker goes back, so the next round does not take the marker for an attempt that may have
        // made a record (fate soak seed 139133: it took another contact's record for its own).
        var reads = 0;
        h.App.BeforeRead = () =>
        {
            if (reads++ == 1)
            {
                h.App.Edit(contact, Fields.Of(("email", "ada.king@example.com")));
            }
        };
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact));
        h.App.BeforeRead = null;

        var created = Assert.Single(h.Salesforce.All(EntityKind.Contact));
        Assert.Equal("ada.king@example.com", created.Fields["Email"]);
        var link = Assert.Single(h.State.Links, l => l.AppId == contact);
        Assert.Equal((LinkState.Active, (SalesforceId?)created.Id, (UnaccountedCreate?)null), (link.State, link.SalesforceId, link.Unaccounted));
    }

    [Fact]
    public async Task A_lost_create_another_round_deletes_for_its_deleted_app_contact_is_not_copied_back_into_the_app_from_a_stale_read()
    {
        // Seed 219266: a create's answer is lost, a person deletes the app contact and changes the record's e-mail, so
        // only elimination finds it. A round of both keys reads the record; before it looks at the pending creates, a round
        // of the app contact alone finds the create and deletes its record (§5: a contact deleted in the app). The first
        // round must not take the record for one of its own and create it in the app from its read.
        using var h = new SyncHarness();
        var contact = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com")));
        h.Salesforce.LoseNextCreateAnswer = true;
        await Assert.ThrowsAsync<SideUnavailableException>(() => h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact)));
        var made = Assert.Single(h.Salesforce.All(EntityKind.Contact)).Id;
        h.App.Delete(contact);
        h.Salesforce.Edit(made, Fields.Of(("Email", "ada.king@example.com")));
        h.Time.Advance(TimeSpan.FromMinutes(2));

        h.State.BeforeLinkFind = n =>
        {
            if (n == 1)
            {
                h.State.BeforeLinkFind = null;
                h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact)).GetAwaiter().GetResult();
            }
        };
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(made), RecordKey.ForApp(contact));

        Assert.True(h.Salesforce.Get(made).IsDeleted);
        Assert.Empty(h.App.All(EntityKind.Contact));
        Assert.Empty(h.State.Links);
    }
}
