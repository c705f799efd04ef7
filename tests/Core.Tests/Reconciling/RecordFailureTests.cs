using SfSync.Model;
using SfSync.Reconciling;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>Issue 10, cases 10 and 11: per-record failures, and records that cannot be paired safely.</summary>
public class RecordFailureTests
{
    [Fact]
    public async Task Case_10_a_transient_refusal_is_retried_with_growing_delays_and_keeps_its_pending_create_marker()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Initech")));
        var refusals = 2;
        h.Salesforce.Reject = (_, _) => refusals-- > 0 ? ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record") : null;

        var first = await h.SyncAsync();

        Assert.Equal(OutcomeKind.Failed, first.Applied.Single().Outcomes.Single().Salesforce.Kind);
        Assert.Equal(LinkState.PendingCreateInSalesforce, Assert.Single(h.State.Links).State);
        var followUp = h.State.Batches.Single(b => b.Status == BatchStatus.Deferred);
        Assert.Equal(app, followUp.Keys.Single().AppId);

        await h.SyncUntilQuietAsync();

        var record = Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(record.Id, h.App.Get(app).SalesforceId);
        Assert.Equal(LinkState.Active, Assert.Single(h.State.Links).State);
    }

    [Fact]
    public async Task Case_10_a_permanent_refusal_is_recorded_not_retried_and_tried_again_on_the_next_change()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Initech")));
        h.Salesforce.Reject = (_, f) => f.GetValueOrDefault("Phone") is null ? ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Phone is required") : null;

        await h.SyncUntilQuietAsync();

        Assert.Empty(h.Salesforce.All(EntityKind.Account));
        Assert.Empty(h.State.Links); // the create made nothing, so no marker is left behind
        Assert.DoesNotContain(h.State.Batches, b => b.Status == BatchStatus.Deferred);
        Assert.Equal("Failed(FIELD_CUSTOM_VALIDATION_EXCEPTION)", h.State.Statuses[^1].SalesforceOutcome);

        h.App.Edit(app, Fields.Of(("phone_number", "555-0100")));
        await h.SyncUntilQuietAsync();

        Assert.Single(h.Salesforce.All(EntityKind.Account));
    }

    [Fact]
    public async Task Case_11_two_app_records_carrying_one_Salesforce_id_are_both_reported_and_neither_is_merged()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        var one = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme One")), salesforceId: account);
        var two = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme Two")), salesforceId: account);

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account), RecordKey.ForApp(one), RecordKey.ForApp(two));

        Assert.Equal(3, result.Outcomes.Count);
        Assert.All(result.Outcomes, o => Assert.Equal(SyncErrorCode.AmbiguousLink, o.App.Code));
        Assert.Equal(("Acme One", "Acme Two", "Acme"), (h.App.Get(one).Fields["name"], h.App.Get(two).Fields["name"], h.Salesforce.Get(account).Fields["Name"]));
        Assert.Null(h.App.Get(one).Fields.GetValueOrDefault("phone_number"));
        Assert.Empty(h.State.Links);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Case_11_a_Salesforce_contact_with_the_email_of_a_disabled_app_contact_is_not_copied_whichever_batch_it_lands_in(bool sameBatch)
    {
        using var h = new SyncHarness();
        var disabled = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com")), syncDisabled: true);
        var salesforce = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ADA@example.com ")));

        var result = sameBatch
            ? await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(disabled), RecordKey.ForSalesforce(salesforce))
            : await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(salesforce));

        Assert.Single(h.App.All(EntityKind.Contact));
        Assert.Empty(h.State.Links);
        Assert.Contains(result.Outcomes, o => o.SalesforceId == salesforce && o.App.Code == SyncErrorCode.SyncDisabled);
    }

    [Fact]
    public async Task Case_11_record_status_never_says_the_app_was_updated_when_the_Salesforce_write_failed()
    {
        using var h = new SyncHarness();
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        await h.SyncUntilQuietAsync();
        var customer = h.App.All(EntityKind.Account).Single().Id;
        h.App.Edit(customer, Fields.Of(("phone_number", "555-0150"), ("fax_number", "555-0151")));
        h.Salesforce.Edit(account, Fields.Of(("Description", "Key account")));
        h.Salesforce.Reject = (_, _) => ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "no");

        await h.SyncAsync();

        var status = h.State.Statuses[^1];
        Assert.Equal("Failed(FIELD_CUSTOM_VALIDATION_EXCEPTION)", status.SalesforceOutcome);
        Assert.Equal("Skipped(NotAttempted)", status.AppOutcome);
        Assert.Null(h.App.Get(customer).Fields.GetValueOrDefault("description"));
    }

    [Fact]
    public async Task Every_key_of_a_batch_gets_an_outcome_also_when_two_keys_turn_out_to_be_one_record()
    {
        using var h = new SyncHarness();
        var salesforce = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Lovelace"), ("Email", "ada@example.com")));
        var app = h.App.Create(EntityKind.Contact, Fields.Of(("name", "Ada Lovelace"), ("email", "ada@example.com")));
        var keys = new[] { RecordKey.ForSalesforce(salesforce), RecordKey.ForApp(app) };

        var result = await h.ReconcileAsync(EntityKind.Contact, keys);

        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal(((SalesforceId?)salesforce, (AppId?)app), (outcome.SalesforceId, outcome.AppId));
        Assert.All(keys, k => Assert.Contains(result.Outcomes, o => o.SalesforceId == k.SalesforceId || o.AppId == k.AppId));
    }
}
