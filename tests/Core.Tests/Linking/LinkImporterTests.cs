using SfSync.Linking;
using SfSync.Model;
using SfSync.Reconciling;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Linking;

public class LinkImporterTests
{
    [Fact]
    public async Task Valid_pairs_are_linked_and_bad_rows_are_reported_one_by_one()
    {
        using var h = new SyncHarness();
        var importer = h.Get<LinkImporter>();
        h.State.Put(new Link(EntityKind.Account, SalesforceId.Parse("001000000000009"), AppId.Parse("c-9"), LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null));
        h.State.Put(new Link(EntityKind.Account, SalesforceId.Parse("001000000000008"), AppId.Parse("c-8"), LinkState.Active, null, null, null, 0, h.Time.GetUtcNow(), null));

        var result = await importer.ImportAsync(EntityKind.Account,
        [
            new("001000000000001", "c-1"),
            new("001000000000001AAA", "c-2"),   // same record as row 0 in its 18-character form
            new("003000000000001", "c-3"),      // a contact id in an account import
            new("001' OR Name != '", "c-4"),
            new("001000000000005", ""),
            new("001000000000009", "c-9"),      // already linked exactly so
            new("001000000000013", "c-8"),      // contradicts an existing link
            new("001000000000009", "c-10"),     // repeats row 5's Salesforce id
        ]);

        Assert.Equal((1, 1), (result.Linked, result.Skipped));
        Assert.Equal([1, 2, 3, 4, 6, 7], result.Errors.Select(e => e.Row));
        Assert.Contains("start with 001", result.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("Already linked: Salesforce 001000000000008", result.Errors[4].Reason, StringComparison.Ordinal);
        Assert.Contains("earlier row", result.Errors[5].Reason, StringComparison.Ordinal);
        Assert.Equal(3, h.State.Links.Count);
    }

    [Fact]
    public async Task A_pre_link_to_a_record_that_does_not_exist_never_deletes_the_other_record()
    {
        using var h = new SyncHarness();
        var app = h.App.Create(EntityKind.Account, Fields.Of(("name", "Acme")));
        await h.Get<LinkImporter>().ImportAsync(EntityKind.Account, [new("001000000000042", app.Value)]);

        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(app));

        Assert.Single(h.App.All(EntityKind.Account));
        var created = Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(created.Id, h.App.Get(app).SalesforceId);
        Assert.Contains("does not exist", result.Outcomes.Single().Warning, StringComparison.Ordinal);
    }
}
