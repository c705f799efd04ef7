using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>Salesforce contacts that share an e-mail, synced end to end (planner, queue, reconciler): the earliest is
/// linked, the others reported — or, with <c>Sync:Duplicates = Copy</c>, copied into the app as well.</summary>
public sealed class DuplicateEmailTests
{
    private static Dictionary<string, string?> Contact(string first, string email) => Fields.Of(("FirstName", first), ("LastName", "Dup"), ("Email", email));

    [Fact]
    public async Task By_default_the_earliest_is_synced_and_the_duplicate_stays_unsynced_and_is_reported_on_its_status_and_the_run()
    {
        using var h = new SyncHarness();
        var earliest = h.Salesforce.Create(EntityKind.Contact, Contact("First", "dup@acme.example"));
        var duplicate = h.Salesforce.Create(EntityKind.Contact, Contact("Second", " DUP@Acme.example "));

        var rounds = await h.SyncUntilQuietAsync();

        var only = Assert.Single(h.App.All(EntityKind.Contact));
        Assert.Equal(earliest, only.SalesforceId);
        var status = Assert.Single(h.State.Statuses, s => s.SalesforceId == duplicate);
        Assert.Equal(SyncErrorCode.DuplicateEmail.Value, status.ErrorCode);
        Assert.Contains(earliest.Value, status.Error, StringComparison.Ordinal);
        var run = (await h.History.GetAsync(rounds[0].RunId))!;
        Assert.Equal(1, run.Totals.Duplicates);
        Assert.Contains(run.Totals.Errors, e => e.Contains(duplicate.Value, StringComparison.Ordinal) && e.Contains("DuplicateEmail", StringComparison.Ordinal));
        var open = Assert.Single(await h.Get<SfSync.Linking.OpenDuplicates>().ListAsync(50));
        Assert.Equal((EntityKind.Contact, "d***@acme.example", earliest.Value), (open.Entity, open.Email, open.Linked));
        Assert.Equal([duplicate.Value], open.Others);
        Assert.DoesNotContain("dup@acme.example", status.Error, StringComparison.OrdinalIgnoreCase);

        // Resolved: the duplicate's e-mail changed in Salesforce. It is synced as a contact of its own and no longer listed.
        h.Salesforce.Edit(duplicate, Fields.Of(("Email", "second@acme.example")));
        await h.SyncUntilQuietAsync();
        Assert.Equal(2, h.App.All(EntityKind.Contact).Count);
        Assert.Empty(await h.Get<SfSync.Linking.OpenDuplicates>().ListAsync(50));
    }

    [Fact]
    public async Task With_Copy_the_duplicate_is_copied_into_the_app_as_well_and_still_counted_on_the_run()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:Duplicates"] = "Copy" });
        h.Salesforce.Create(EntityKind.Contact, Contact("First", "dup@acme.example"));
        var duplicate = h.Salesforce.Create(EntityKind.Contact, Contact("Second", "dup@acme.example"));

        var rounds = await h.SyncUntilQuietAsync();

        Assert.Equal(2, h.App.All(EntityKind.Contact).Count);
        Assert.Contains(h.App.All(EntityKind.Contact), c => c.SalesforceId == duplicate);
        Assert.Equal(1, (await h.History.GetAsync(rounds[0].RunId))!.Totals.Duplicates);
    }
}
