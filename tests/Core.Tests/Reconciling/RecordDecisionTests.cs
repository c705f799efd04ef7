using SfSync.Deletion;
using SfSync.Mapping;
using SfSync.Model;
using SfSync.Reconciling;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>The decision of a reconcile round, without any I/O: one row per <see cref="RecordCase"/>, then the rules of issue 10.</summary>
public class RecordDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = T0.AddMinutes(5);
    private static readonly SalesforceId Account = SalesforceId.Parse("001000000000001AAA");
    private static readonly SalesforceId OtherAccount = SalesforceId.Parse("001000000000002AAA");
    private static readonly SalesforceId Contact = SalesforceId.Parse("003000000000001AAA");
    private static readonly AppId Customer = AppId.Parse("cust-1");
    private static readonly AppId OtherCustomer = AppId.Parse("cust-2");
    private static readonly AppId Person = AppId.Parse("cont-1");

    /// <summary>Exactly one row per case: the scenario that must produce it.</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { nameof(RecordCase.SyncDisabled), "app record flagged sync_disabled" },
        { nameof(RecordCase.OutOfScope), "linked contact whose account left the Account scope" },
        { nameof(RecordCase.MatchesDisabled), "Salesforce contact with the e-mail of a disabled app contact" },
        { nameof(RecordCase.AmbiguousSalesforceId), "two app records carry one Salesforce id" },
        { nameof(RecordCase.DuplicateOfLinked), "Salesforce contact with the e-mail of a linked app contact" },
        { nameof(RecordCase.DuplicateInSalesforce), "second Salesforce contact with the e-mail of an earlier one in the round" },
        { nameof(RecordCase.Contended), "Salesforce contact whose app match another batch is creating" },
        { nameof(RecordCase.Merge), "linked pair, both alive" },
        { nameof(RecordCase.CreateInApp), "new Salesforce account" },
        { nameof(RecordCase.CreateInSalesforce), "new app customer" },
        { nameof(RecordCase.MissingRequiredField), "new app customer without a name" },
        { nameof(RecordCase.DeleteInSalesforce), "synced contact deleted in the app" },
        { nameof(RecordCase.DeleteInApp), "synced account deleted in Salesforce" },
        { nameof(RecordCase.KeepAfterAppDeletion), "synced customer deleted in the app, account unchanged" },
        { nameof(RecordCase.KeepAfterSalesforceDeletion), "synced account deleted in Salesforce under Keep" },
        { nameof(RecordCase.RecreateInApp), "deleted customer whose account changed since" },
        { nameof(RecordCase.RecreateInSalesforce), "kept app customer edited after its account was deleted" },
        { nameof(RecordCase.StayDeleted), "deleted customer whose account did not change" },
        { nameof(RecordCase.Forget), "linked pair, both gone" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_case_is_decided_from_the_snapshot_alone(string expectedCase, string scenario)
    {
        var expected = Enum.Parse<RecordCase>(expectedCase);
        var (view, entity, deletions, parents) = Scenario(scenario);

        var decision = Decide(view, entity, deletions, parents, others: Companions(scenario));

        Assert.Equal(expected, decision.Case);
        AssertShape(decision);
    }

    [Fact]
    public void Every_record_case_has_a_row_in_the_table() =>
        Assert.Equal(Enum.GetValues<RecordCase>().Order(), Cases.Select(row => Enum.Parse<RecordCase>((string)row[0])).Order());

    // ---- Issue 15: scope ----

    private static SfSync.Scope.EntityScope AccountScope(string? salesforce = null, string? app = null) => new(
        EntityKind.Account,
        salesforce is null ? null : SfSync.Scope.ScopeParser.Parse(salesforce),
        app is null ? null : SfSync.Scope.ScopeParser.Parse(app));

    [Fact]
    public void A_linked_pair_that_left_the_Salesforce_scope_writes_nothing_and_its_link_is_kept_and_marked()
    {
        var view = Linked(SfAccount("Acme", phone: "555"), AppCustomer("Acme"));

        var decision = Decide(view, EntityKind.Account, scope: AccountScope(salesforce: "Phone = '999'"));

        Assert.Equal(RecordCase.OutOfScope, decision.Case);
        Assert.Equal((SalesforceAction.None, AppAction.None), (decision.SalesforceAction, decision.AppAction));
        Assert.False(decision.RemoveLink);
        Assert.Equal(Later, decision.After!.OutOfScopeSince);
        Assert.Equal(view.Link!.Base, decision.After.Base); // the pair resumes from the base it left with
        Assert.Equal(SyncErrorCode.OutOfScope, decision.Salesforce.Code);
        Assert.Equal(OutcomeKind.Skipped, decision.App.Kind);
    }

    [Fact]
    public void A_pair_already_marked_out_of_scope_costs_no_state_write()
    {
        var view = Linked(SfAccount("Acme", phone: "555"), AppCustomer("Acme")) with { Link = SyncedLink(EntityKind.Account, Account, Customer) with { OutOfScopeSince = T0 } };

        var decision = Decide(view, EntityKind.Account, scope: AccountScope(salesforce: "Phone = '999'"));

        Assert.Equal(RecordCase.OutOfScope, decision.Case);
        Assert.Null(decision.After);
    }

    [Fact]
    public void A_marked_pair_back_in_scope_merges_from_its_base_and_the_mark_goes()
    {
        var view = Linked(SfAccount("Acme", phone: "999"), AppCustomer("Acme")) with { Link = SyncedLink(EntityKind.Account, Account, Customer) with { OutOfScopeSince = T0 } };

        var decision = Decide(view, EntityKind.Account, scope: AccountScope(salesforce: "Phone = '999'"));

        Assert.Equal(RecordCase.Merge, decision.Case);
        Assert.Equal("999", decision.AppUpsert!.Fields["phone_number"]); // a Salesforce edit made while out of scope goes through
        Assert.Null(decision.After!.OutOfScopeSince);
    }

    [Fact]
    public void A_marked_pair_back_in_scope_with_nothing_to_write_still_clears_its_mark()
    {
        var view = Linked(SfAccount("Acme"), AppCustomer("Acme")) with { Link = SyncedLink(EntityKind.Account, Account, Customer) with { OutOfScopeSince = T0, AppVersion = 1 } };

        var decision = Decide(view, EntityKind.Account, scope: AccountScope(salesforce: "Name = 'ACME'"));

        Assert.Equal(RecordCase.Merge, decision.Case);
        Assert.NotNull(decision.After);
        Assert.Null(decision.After!.OutOfScopeSince);
    }

    [Fact]
    public void A_new_record_outside_the_scope_is_not_created_on_the_other_side()
    {
        var view = new RecordView([RecordKey.ForSalesforce(Account)], null, Account, null, SfAccount("Acme"), null, Pairing.None);

        var decision = Decide(view, EntityKind.Account, scope: AccountScope(salesforce: "Name LIKE 'Glob%'"));

        Assert.Equal(RecordCase.OutOfScope, decision.Case);
        Assert.Null(decision.After);
        Assert.Null(decision.Claim);
    }

    [Fact]
    public void A_new_record_inside_the_scope_is_created_as_any_new_record()
    {
        var view = new RecordView([RecordKey.ForSalesforce(Account)], null, Account, null, SfAccount("Acme"), null, Pairing.None);

        var decision = Decide(view, EntityKind.Account, scope: AccountScope(salesforce: "Name LIKE 'Ac%'"));

        Assert.Equal(RecordCase.CreateInApp, decision.Case);
    }

    [Fact]
    public void A_new_app_record_outside_the_app_scope_is_not_created_in_Salesforce()
    {
        var view = new RecordView([RecordKey.ForApp(Customer)], null, null, Customer, null, AppCustomer("Acme", phone: "1"), Pairing.None);

        Assert.Equal(RecordCase.OutOfScope, Decide(view, EntityKind.Account, scope: AccountScope(app: "phone_number = '2'")).Case);
        Assert.Equal(RecordCase.CreateInSalesforce, Decide(view, EntityKind.Account, scope: AccountScope(app: "phone_number = '1'")).Case);
    }

    [Fact]
    public void A_pair_out_of_scope_is_not_deleted_when_one_record_is_deleted_meanwhile()
    {
        var marked = SyncedLink(EntityKind.Account, Account, Customer) with { OutOfScopeSince = T0 };
        var view = Linked(SfAccount("Acme", deleted: true), AppCustomer("Acme")) with { Link = marked };

        var decision = Decide(view, EntityKind.Account, scope: AccountScope(salesforce: "Phone = '999'"));

        Assert.Equal(RecordCase.OutOfScope, decision.Case);
        Assert.Equal(AppAction.None, decision.AppAction);
    }

    [Fact]
    public void A_pair_out_of_scope_whose_records_are_both_gone_is_forgotten()
    {
        var marked = SyncedLink(EntityKind.Account, Account, Customer) with { OutOfScopeSince = T0 };
        var view = Linked(SfAccount("Acme", deleted: true), null) with { Link = marked };

        Assert.Equal(RecordCase.Forget, Decide(view, EntityKind.Account, scope: AccountScope(salesforce: "Phone = '999'")).Case);
    }

    [Fact]
    public void A_contact_whose_account_is_in_scope_syncs_as_before()
    {
        var parents = Parents(accountLinks: [AccountLink(Account, Customer)]);

        var decision = Decide(LinkedContact(parentInSalesforce: Account, customer: Customer, baseParent: Account), EntityKind.Contact, parents: parents);

        Assert.NotEqual(RecordCase.OutOfScope, decision.Case);
    }

    // ---- Issue 10: the rules behind the cases ----

    [Fact]
    public void Case_3_a_recognised_create_merges_against_the_values_it_created_so_a_later_app_edit_wins()
    {
        // Our create wrote "Acme"; its answer was lost; a person then renamed the app customer. The created values are the base.
        var marker = new Link(EntityKind.Account, null, Customer, LinkState.PendingCreateInSalesforce, Base("Acme"), null, null, 1, T0, null, "m");
        var view = new RecordView([RecordKey.ForApp(Customer)], marker, Account, Customer, SfAccount("Acme"), AppCustomer("Acme Corp", version: 2), Pairing.Recognised);

        var decision = Decide(view, EntityKind.Account);

        Assert.Equal(RecordCase.Merge, decision.Case);
        Assert.Equal("Acme Corp", decision.SalesforceFields["Name"]);
        Assert.Empty(decision.Conflicts);
        Assert.Equal(marker with { SalesforceId = Account, Lease = new LinkLease("this round", Later.AddMinutes(5)) }, decision.Claim! with { PendingBase = null });
        Assert.Equal("Acme Corp", decision.Claim.PendingBase!["name"]); // what Salesforce holds once this round wrote it
    }

    [Fact]
    public void Case_4_a_recognised_create_in_the_app_whose_Salesforce_record_was_deleted_follows_the_deletion_rule()
    {
        var marker = new Link(EntityKind.Account, Account, null, LinkState.PendingCreateInApp, Base("Acme"), null, T0, 0, T0, null, "m");
        var view = new RecordView([RecordKey.ForSalesforce(Account)], marker, Account, Customer, SfAccount("Acme", deleted: true), AppCustomer("Acme"), Pairing.Recognised);

        var decision = Decide(view, EntityKind.Account);

        Assert.Equal(RecordCase.DeleteInApp, decision.Case);
        Assert.Equal(SalesforceAction.None, decision.SalesforceAction);
    }

    [Fact]
    public void Case_4_a_pending_create_whose_source_is_gone_and_made_nothing_is_forgotten()
    {
        var marker = new Link(EntityKind.Account, Account, null, LinkState.PendingCreateInApp, Base("Acme"), null, T0, 0, T0, null, "m");
        var view = new RecordView([RecordKey.ForSalesforce(Account)], marker, Account, null, SfAccount("Acme", deleted: true), null, Pairing.Linked);

        var decision = Decide(view, EntityKind.Account);

        Assert.Equal(RecordCase.Forget, decision.Case);
        Assert.True(decision.RemoveLink);
    }

    [Fact]
    public void A_create_keeps_the_start_time_of_an_earlier_attempts_marker_so_that_attempts_records_stay_recognisable()
    {
        var earlier = new Link(EntityKind.Account, null, Customer, LinkState.PendingCreateInSalesforce, Base("Acme"), null, null, 1, T0.AddMinutes(-30), null, "m");
        var view = new RecordView([RecordKey.ForApp(Customer)], earlier, null, Customer, null, AppCustomer("Acme"), Pairing.Linked);

        var decision = Decide(view, EntityKind.Account);

        Assert.Equal(RecordCase.CreateInSalesforce, decision.Case);
        Assert.Equal(T0.AddMinutes(-30), decision.Claim!.StateSince);
        Assert.Equal("m", decision.Claim.ETag);
        Assert.Equal("Acme", decision.Claim.Base!["name"]);
    }

    [Fact]
    public void Case_6_every_app_update_is_conditional_on_the_version_read()
    {
        var view = Linked(SfAccount("Acme", phone: "555"), AppCustomer("Acme", version: 7));

        var decision = Decide(view, EntityKind.Account);

        Assert.Equal(AppAction.Update, decision.AppAction);
        Assert.Equal(7, decision.AppUpsert!.ExpectedVersion);
    }

    [Fact]
    public void Case_7_a_contact_created_in_Salesforce_by_company_name_keeps_that_guess_as_its_base()
    {
        var parents = Parents(customers: [AppCustomer("Globex") with { Id = OtherCustomer }], accounts: [SfAccount("Globex") with { Id = OtherAccount }]);
        var view = new RecordView([RecordKey.ForApp(Person)], null, null, Person, null, AppContact(OtherCustomer), Pairing.None);

        var decision = Decide(view, EntityKind.Contact, parents: parents);

        Assert.Equal(OtherAccount.Value, decision.SalesforceFields["AccountId"]);
        Assert.Equal(OtherAccount.Value, decision.After!.Base!["AccountId"]);
        Assert.Contains(decision.FollowUps, f => f.Key.AppId == Person); // it comes back once its customer is linked
    }

    [Fact]
    public void Case_7_once_the_customer_is_linked_the_guessed_account_gives_way_to_the_linked_one()
    {
        var parents = Parents(customers: [AppCustomer("Globex") with { Id = OtherCustomer }], accountLinks: [AccountLink(Account, OtherCustomer)]);
        var view = LinkedContact(parentInSalesforce: OtherAccount, customer: OtherCustomer, baseParent: OtherAccount);

        var decision = Decide(view, EntityKind.Contact, parents: parents);

        Assert.Equal(Account.Value, decision.SalesforceFields["AccountId"]);
    }

    [Fact]
    public void Case_7_an_account_a_person_chose_in_Salesforce_is_a_Salesforce_change_and_is_never_moved_back_by_a_guess()
    {
        // The customer is still unlinked: the app side cannot be translated, so the person's choice stands and goes to the app once possible.
        var parents = Parents(customers: [AppCustomer("Globex") with { Id = OtherCustomer }], accounts: [SfAccount("Globex") with { Id = OtherAccount }],
            accountLinks: [AccountLink(Account, Customer)]);
        var view = LinkedContact(parentInSalesforce: Account, customer: OtherCustomer, baseParent: OtherAccount);

        var decision = Decide(view, EntityKind.Contact, parents: parents);

        Assert.False(decision.SalesforceFields.ContainsKey("AccountId"));
        Assert.Equal(Customer, decision.AppUpsert!.ParentId);
    }

    [Fact]
    public void Case_9_a_customer_deleted_in_the_app_after_an_unsynced_Salesforce_edit_is_created_again()
    {
        var view = Linked(SfAccount("Acme renamed in Salesforce"), AppCustomer("Acme", deleted: true));

        var decision = Decide(view, EntityKind.Account);

        Assert.Equal(RecordCase.RecreateInApp, decision.Case);
        Assert.Equal(LinkState.PendingCreateInApp, decision.Claim!.State);
    }

    [Fact]
    public void Case_9_a_full_resync_that_is_first_to_see_a_customer_deletion_creates_it_again()
    {
        var view = Linked(SfAccount("Acme"), AppCustomer("Acme", deleted: true));

        var decision = Decide(view, EntityKind.Account, full: true);

        Assert.Equal(RecordCase.RecreateInApp, decision.Case);
    }

    [Fact]
    public void Case_9_a_re_created_customer_brings_its_contacts_back()
    {
        var tombstone = SyncedLink(EntityKind.Account, Account, Customer) with { State = LinkState.DeletedInApp, SalesforceStamp = T0 };
        var contact = new SalesforceRecord(Contact, Fields.Of(("LastName", "Lovelace")), Account, T0, T0);
        var view = new RecordView([RecordKey.ForSalesforce(Account)], tombstone, Account, Customer, SfAccount("Acme", stamp: Later), null, Pairing.Linked);

        var decision = Decide(view, EntityKind.Account, parents: Parents(contactsOfAccounts: [contact]));

        Assert.Equal(RecordCase.RecreateInApp, decision.Case);
        Assert.Contains(new FollowUp(EntityKind.Contact, RecordKey.ForSalesforce(Contact), Full: true), decision.FollowUps);
    }

    [Fact]
    public void Case_11_a_contact_deleted_with_the_customer_it_had_moved_to_follows_the_customers_rule()
    {
        // Synced under cust-1 (still alive); moved to cust-2 in the app and deleted with it: the tombstone says so.
        var view = new RecordView([RecordKey.ForApp(Person)], SyncedLink(EntityKind.Contact, Contact, Person) with { ParentAppId = Customer },
            Contact, Person, SfContact(Account), AppContact(OtherCustomer) with { Deleted = true }, Pairing.Linked);

        var decision = Decide(view, EntityKind.Contact, parents: Parents(customers: [AppCustomer("Acme")]));

        Assert.Equal(RecordCase.KeepAfterAppDeletion, decision.Case);
        Assert.Equal(SalesforceAction.None, decision.SalesforceAction);
    }

    [Fact]
    public void A_contact_deleted_on_its_own_under_Keep_is_created_again_at_once_without_waiting_for_a_Salesforce_edit()
    {
        var keepContacts = new DeletionOptions { Contact = new EntityDeletionOptions { WhenDeletedInApp = DeletionAction.Keep } };
        var view = new RecordView([RecordKey.ForApp(Person)], SyncedLink(EntityKind.Contact, Contact, Person) with { ParentAppId = Customer },
            Contact, Person, SfContact(Account), AppContact(Customer) with { Deleted = true }, Pairing.Linked);

        var decision = Decide(view, EntityKind.Contact, keepContacts, Parents(customers: [AppCustomer("Acme")]));

        Assert.Equal(RecordCase.RecreateInApp, decision.Case);
        Assert.Equal((SalesforceAction.None, AppAction.Create), (decision.SalesforceAction, decision.AppAction));
    }

    [Fact]
    public void A_contact_taken_off_its_customer_before_its_deletion_follows_its_own_rule_even_if_that_customer_is_gone()
    {
        // Synced under cust-1, which is deleted now; the tombstone names no customer: the person deleted the contact itself.
        var view = new RecordView([RecordKey.ForApp(Person)], SyncedLink(EntityKind.Contact, Contact, Person) with { ParentAppId = Customer },
            Contact, Person, SfContact(Account), AppContact(null) with { Deleted = true }, Pairing.Linked);

        var decision = Decide(view, EntityKind.Contact, parents: Parents());

        Assert.Equal(RecordCase.DeleteInSalesforce, decision.Case);
    }

    [Fact]
    public void Case_11_a_record_refused_by_Salesforce_never_reports_the_app_as_updated()
    {
        var decision = Decide(Linked(SfAccount("Acme", phone: "1"), AppCustomer("Acme", phone: "2", version: 3)) with { Link = SyncedLink(EntityKind.Account, Account, Customer) with { Base = Base("Acme", phone: "0") } }, EntityKind.Account);
        Assert.Equal(AppAction.Update, decision.AppAction);

        var outcome = RecordOutcome.From(EntityKind.Account, decision, new RecordReport(false, SfSync.Salesforce.WriteResult.Failed("FIELD_CUSTOM_VALIDATION_EXCEPTION", "no"), null, null, null));

        Assert.Equal(OutcomeKind.Failed, outcome.Salesforce.Kind);
        Assert.Equal(OutcomeKind.Skipped, outcome.App.Kind);
        Assert.Equal(SyncErrorCode.NotAttempted, outcome.App.Code);
        Assert.Empty(outcome.Conflicts);
    }

    [Fact]
    public void A_converged_record_writes_nothing_not_even_its_link()
    {
        var view = Linked(SfAccount("Acme"), AppCustomer("Acme"));

        var decision = Decide(view, EntityKind.Account);

        Assert.Equal(RecordCase.Merge, decision.Case);
        Assert.Equal((SalesforceAction.None, AppAction.None), (decision.SalesforceAction, decision.AppAction));
        Assert.Null(decision.After);
        Assert.Null(decision.Claim);
    }

    // ---- Scenarios ----

    private static (RecordView View, EntityKind Entity, DeletionOptions Deletions, ParentContext Parents) Scenario(string name)
    {
        var defaults = new DeletionOptions();
        var keepSalesforceDeletions = new DeletionOptions { Account = new EntityDeletionOptions { WhenDeletedInSalesforce = DeletionAction.Keep, WhenDeletedInApp = DeletionAction.Keep } };
        var tombstone = SyncedLink(EntityKind.Account, Account, Customer) with { State = LinkState.DeletedInApp, SalesforceStamp = T0 };
        return name switch
        {
            "linked contact whose account left the Account scope" =>
                (LinkedContact(parentInSalesforce: Account, customer: Customer, baseParent: Account), EntityKind.Contact, defaults, Parents(accountLinks: [AccountLink(Account, Customer) with { OutOfScopeSince = T0 }])),
            "app record flagged sync_disabled" => (Linked(SfAccount("Acme"), AppCustomer("Acme", disabled: true)), EntityKind.Account, defaults, Parents()),
            "Salesforce contact with the e-mail of a disabled app contact" =>
                (new RecordView([RecordKey.ForSalesforce(Contact)], null, Contact, null, SfContact(null), null, Pairing.None, Anomaly: Anomaly.MatchesDisabled), EntityKind.Contact, defaults, Parents()),
            "two app records carry one Salesforce id" =>
                (new RecordView([RecordKey.ForSalesforce(Account)], null, Account, null, SfAccount("Acme"), null, Pairing.None, Anomaly: Anomaly.AmbiguousSalesforceId, Detail: "x"), EntityKind.Account, defaults, Parents()),
            "Salesforce contact with the e-mail of a linked app contact" =>
                (new RecordView([RecordKey.ForSalesforce(Contact)], null, Contact, null, SfContact(null), null, Pairing.None, Anomaly: Anomaly.DuplicateOfLinked), EntityKind.Contact, defaults, Parents()),
            "second Salesforce contact with the e-mail of an earlier one in the round" =>
                (new RecordView([RecordKey.ForSalesforce(Contact)], null, Contact, null, SfContact(null), null, Pairing.None), EntityKind.Contact, defaults, Parents()),
            "Salesforce contact whose app match another batch is creating" =>
                (new RecordView([RecordKey.ForSalesforce(Contact)], null, Contact, null, SfContact(null), null, Pairing.None, Anomaly: Anomaly.Contended), EntityKind.Contact, defaults, Parents()),
            "linked pair, both alive" => (Linked(SfAccount("Acme", phone: "555"), AppCustomer("Acme")), EntityKind.Account, defaults, Parents()),
            "new Salesforce account" => (new RecordView([RecordKey.ForSalesforce(Account)], null, Account, null, SfAccount("Acme"), null, Pairing.None), EntityKind.Account, defaults, Parents()),
            "new app customer" => (new RecordView([RecordKey.ForApp(Customer)], null, null, Customer, null, AppCustomer("Acme"), Pairing.None), EntityKind.Account, defaults, Parents()),
            "new app customer without a name" => (new RecordView([RecordKey.ForApp(Customer)], null, null, Customer, null, AppCustomer("  "), Pairing.None), EntityKind.Account, defaults, Parents()),
            "synced contact deleted in the app" =>
                (new RecordView([RecordKey.ForApp(Person)], SyncedLink(EntityKind.Contact, Contact, Person), Contact, Person, SfContact(null), null, Pairing.Linked), EntityKind.Contact, defaults, Parents()),
            "synced account deleted in Salesforce" => (Linked(SfAccount("Acme", deleted: true), AppCustomer("Acme")), EntityKind.Account, defaults, Parents()),
            "synced customer deleted in the app, account unchanged" => (Linked(SfAccount("Acme"), null), EntityKind.Account, defaults, Parents()),
            "synced account deleted in Salesforce under Keep" => (Linked(SfAccount("Acme", deleted: true), AppCustomer("Acme")), EntityKind.Account, keepSalesforceDeletions, Parents()),
            "deleted customer whose account changed since" =>
                (new RecordView([RecordKey.ForSalesforce(Account)], tombstone, Account, Customer, SfAccount("Acme", stamp: Later), null, Pairing.Linked), EntityKind.Account, defaults, Parents()),
            "kept app customer edited after its account was deleted" =>
                (new RecordView([RecordKey.ForApp(Customer)], tombstone with { State = LinkState.DeletedInSalesforce, AppVersion = 1 }, Account, Customer, SfAccount("Acme", deleted: true), AppCustomer("Acme 2", version: 2), Pairing.Linked),
                    EntityKind.Account, keepSalesforceDeletions, Parents()),
            "deleted customer whose account did not change" =>
                (new RecordView([RecordKey.ForSalesforce(Account)], tombstone, Account, Customer, SfAccount("Acme", stamp: T0), null, Pairing.Linked), EntityKind.Account, defaults, Parents()),
            "linked pair, both gone" => (Linked(SfAccount("Acme", deleted: true), null), EntityKind.Account, defaults, Parents()),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    /// <summary>What each case writes, so that a case that does the wrong thing under the right name fails too.</summary>
    private static void AssertShape(RecordDecision d)
    {
        var (salesforce, app) = d.Case switch
        {
            RecordCase.CreateInApp or RecordCase.RecreateInApp => (SalesforceAction.None, AppAction.Create),
            RecordCase.CreateInSalesforce or RecordCase.RecreateInSalesforce => (SalesforceAction.Create, AppAction.StampSalesforceId),
            RecordCase.DeleteInSalesforce => (SalesforceAction.Delete, AppAction.None),
            RecordCase.DeleteInApp => (SalesforceAction.None, AppAction.Delete),
            RecordCase.Merge => (d.SalesforceAction, d.AppAction),
            _ => (SalesforceAction.None, AppAction.None),
        };
        Assert.Equal((salesforce, app), (d.SalesforceAction, d.AppAction));
        // Every decision that writes a side holds its link first: a marker for a create, the stored link otherwise.
        var claims = d.Case is RecordCase.CreateInApp or RecordCase.RecreateInApp or RecordCase.CreateInSalesforce or RecordCase.RecreateInSalesforce
            || (d.View.Link is not null && (d.SalesforceAction != SalesforceAction.None || d.AppAction != AppAction.None));
        Assert.Equal(claims, d.Claim is not null);
        Assert.Equal(claims, d.Claim?.Lease?.Holder == "this round");
        Assert.Equal(d.Case is RecordCase.DeleteInApp or RecordCase.DeleteInSalesforce or RecordCase.Forget, d.RemoveLink);
        switch (d.Case)
        {
            case RecordCase.Merge:
                Assert.Equal("555", d.SalesforceFields.Count == 0 ? d.AppUpsert!.Fields["phone_number"] : null);
                break;
            case RecordCase.KeepAfterAppDeletion:
                Assert.Equal(LinkState.DeletedInApp, d.After!.State);
                break;
            case RecordCase.KeepAfterSalesforceDeletion:
                Assert.Equal(LinkState.DeletedInSalesforce, d.After!.State);
                break;
            case RecordCase.SyncDisabled or RecordCase.MatchesDisabled or RecordCase.DuplicateOfLinked or RecordCase.DuplicateInSalesforce:
                Assert.Equal((OutcomeKind.Skipped, OutcomeKind.Skipped), (d.Salesforce.Kind, d.App.Kind));
                break;
            case RecordCase.AmbiguousSalesforceId:
                Assert.Equal(OutcomeKind.Failed, d.App.Kind);
                break;
            case RecordCase.MissingRequiredField:
                Assert.Equal(SyncErrorCode.RequiredFieldMissing, d.Salesforce.Code);
                break;
        }
    }

    private static RecordDecision Decide(RecordView view, EntityKind entity, DeletionOptions? deletions = null, ParentContext? parents = null, bool full = false, IReadOnlyList<RecordView>? others = null, SfSync.Linking.DuplicateHandling duplicates = SfSync.Linking.DuplicateHandling.Report, SfSync.Scope.EntityScope? scope = null)
    {
        deletions ??= new DeletionOptions();
        var map = SyncMap.Default.For(entity);
        var snapshot = new ReconcileSnapshot(entity, map, full, Later, [view, .. others ?? []], parents ?? Parents(), new LinkLease("this round", Later.AddMinutes(5)));
        return RecordDecision.For(view, snapshot, new DecisionPolicy(map, deletions.For(entity), deletions.Account.WhenDeletedInApp, null, duplicates) { Scope = scope });
    }

    /// <summary>The other records of the round a scenario needs besides its own.</summary>
    private static IReadOnlyList<RecordView> Companions(string scenario) => scenario switch
    {
        "second Salesforce contact with the e-mail of an earlier one in the round" => [EarlierSameEmail],
        _ => [],
    };

    private static readonly SalesforceId EarlierContact = SalesforceId.Parse("003000000000000AAA");

    private static RecordView EarlierSameEmail => new([RecordKey.ForSalesforce(EarlierContact)], null, EarlierContact, null,
        new SalesforceRecord(EarlierContact, Fields.Of(("FirstName", "Ada"), ("LastName", "L."), ("Email", " ADA@example.com")), null, T0.AddDays(-1), T0), null, Pairing.None);

    [Theory]
    [InlineData("the earlier of two unlinked: it keeps the e-mail", false, false, nameof(RecordCase.CreateInApp))]
    [InlineData("the later of two unlinked, Report", true, false, nameof(RecordCase.DuplicateInSalesforce))]
    [InlineData("the later of two unlinked, Copy", true, true, nameof(RecordCase.CreateInApp))]
    public void Of_Salesforce_contacts_sharing_an_e_mail_the_earliest_is_synced_and_the_others_reported_or_copied(string why, bool later, bool copy, string expectedCase)
    {
        var expected = Enum.Parse<RecordCase>(expectedCase);
        var mine = new RecordView([RecordKey.ForSalesforce(Contact)], null, Contact, null, SfContact(null) with { CreatedDate = later ? T0 : T0.AddDays(-2) }, null, Pairing.None);

        var decision = Decide(mine, EntityKind.Contact, others: [EarlierSameEmail], duplicates: copy ? SfSync.Linking.DuplicateHandling.Copy : SfSync.Linking.DuplicateHandling.Report);

        Assert.True(expected == decision.Case, why);
        Assert.Equal(later, decision.Warning is not null || decision.App.Code == SyncErrorCode.DuplicateEmail);
    }

    private static ParentContext Parents(
        AppRecord[]? customers = null,
        SalesforceRecord[]? accounts = null,
        Link[]? accountLinks = null,
        SalesforceRecord[]? contactsOfAccounts = null) => new(
        (customers ?? []).ToDictionary(c => c.Id),
        new Dictionary<AppId, long>(),
        (accountLinks ?? []).ToDictionary(l => l.AppId!.Value),
        (accountLinks ?? []).ToDictionary(l => l.SalesforceId!.Value),
        accounts ?? [],
        contactsOfAccounts ?? [],
        [],
        [],
        "name");

    /// <summary>A base as a sync stores it: every mapped field, blank where blank.</summary>
    private static Dictionary<string, string?> Base(string name, string? phone = null)
    {
        var values = SyncMap.Default.For(EntityKind.Account).AppFields.ToDictionary(f => f, _ => (string?)null, StringComparer.Ordinal);
        values["name"] = name;
        values["phone_number"] = phone;
        return values;
    }

    private static SalesforceRecord SfAccount(string name, bool deleted = false, DateTimeOffset? stamp = null, string? phone = null) =>
        new(Account, Fields.Of(("Name", name), ("Phone", phone)), null, T0, stamp ?? T0, deleted);

    private static SalesforceRecord SfContact(SalesforceId? account) => new(Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@example.com")), account, T0, T0);

    private static AppRecord AppCustomer(string? name, long version = 1, bool deleted = false, bool disabled = false, string? phone = null) =>
        new(Customer, Fields.Of(("name", name), ("phone_number", phone)), Account, null, disabled, T0, version, deleted);

    private static AppRecord AppContact(AppId? customer) => new(Person, Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com")), null, customer, false, T0, 1);

    private static Link SyncedLink(EntityKind entity, SalesforceId salesforceId, AppId appId) =>
        new(entity, salesforceId, appId, LinkState.Active, entity == EntityKind.Account ? Base("Acme") : Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com")), null, T0, 1, T0, T0, "e");

    private static Link AccountLink(SalesforceId account, AppId customer) => SyncedLink(EntityKind.Account, account, customer) with { SalesforceId = account, AppId = customer };

    private static RecordView Linked(SalesforceRecord salesforce, AppRecord? app) =>
        new([RecordKey.ForSalesforce(Account)], SyncedLink(EntityKind.Account, Account, Customer), Account, Customer, salesforce, app, Pairing.Linked);

    private static RecordView LinkedContact(SalesforceId parentInSalesforce, AppId customer, SalesforceId baseParent)
    {
        var link = SyncedLink(EntityKind.Contact, Contact, Person) with { Base = Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com"), ("AccountId", baseParent.Value)), ParentAppId = customer };
        var app = AppContact(customer) with { SalesforceId = Contact };
        return new RecordView([RecordKey.ForSalesforce(Contact)], link, Contact, Person, SfContact(parentInSalesforce), app, Pairing.Linked);
    }
}
