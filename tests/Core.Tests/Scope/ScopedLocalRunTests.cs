using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Scope;

/// <summary>The local run with scopes (the emulator, the sample app, Azurite, the broker and the handler, over HTTP):
/// accounts in Berlin on either side (a Salesforce filter and an app filter), contacts of the emulator's "My Contacts"
/// list view, its filter re-read every two seconds.</summary>
public sealed class ScopedLocalRunFixture : LocalRunFixture
{
    protected override IDictionary<string, string>? Settings => new Dictionary<string, string>(base.Settings!)
    {
        ["Sync__Scope__Account__Salesforce"] = "BillingCity = 'Berlin'",
        ["Sync__Scope__Account__App"] = "city = 'Berlin'",
        ["Sync__Scope__Contact__SalesforceListView"] = "MyContacts",
        ["Sync__Scope__ListViewRefresh"] = "00:00:02",
    };
}

[CollectionDefinition(Name)]
public sealed class ScopedLocalRunCollection : ICollectionFixture<ScopedLocalRunFixture>
{
    public const string Name = "ScopedLocalRun";
}

/// <summary>Entering, leaving and coming back, the counts and statuses, and a list view edited in Salesforce, through
/// the real processes. One test: its steps build on each other.</summary>
[Collection(ScopedLocalRunCollection.Name)]
public sealed class ScopedLocalRunTests(ScopedLocalRunFixture run)
{
    private async Task<List<JsonObject>> SalesforceAsync(string soql) =>
        (await run.Salesforce.GetFromJsonAsync<JsonNode>("/services/data/v62.0/query?q=" + Uri.EscapeDataString(soql)))!["records"]!.AsArray().Select(r => r!.AsObject()).ToList();

    private async Task<List<JsonObject>> AppAsync(string collection) =>
        (await run.App.GetFromJsonAsync<JsonNode>($"/{collection}?take=1000"))!["items"]!.AsArray().Select(c => c!.AsObject()).ToList();

    private async Task<JsonNode> StatusAsync(string entity, string salesforceId) =>
        (await run.Api.GetFromJsonAsync<JsonNode>($"/api/sync/records/{entity}/salesforce/{salesforceId}"))!;

    private async Task PatchAccountAsync(string id, object fields)
    {
        using var edit = await run.Salesforce.PatchAsJsonAsync($"/services/data/v62.0/sobjects/Account/{id}", fields);
        Assert.Equal(HttpStatusCode.NoContent, edit.StatusCode);
    }

    private static string? Text(JsonObject o, string name) => o[name]?.GetValue<string>();

    [Fact]
    public async Task Only_records_in_scope_sync_one_that_leaves_stops_and_resumes_one_that_enters_is_new_and_a_list_view_edit_reconciles()
    {
        // The first sync: only Berlin accounts were linked or copied, either way; the others were counted out of scope.
        var accounts = await SalesforceAsync("SELECT Id, Name, BillingCity FROM Account");
        var customers = await AppAsync("customers");
        var linked = customers.Where(c => Text(c, "salesforce_id") is { Length: > 0 }).ToList();
        Assert.NotEmpty(linked);
        Assert.All(linked, c => Assert.Equal("Berlin", Text(c, "city")));
        Assert.All(accounts.Where(a => Text(a, "BillingCity") != "Berlin"), a => Assert.DoesNotContain(customers, c => Text(c, "salesforce_id") == Text(a, "Id")));
        Assert.All(customers.Where(c => Text(c, "city") != "Berlin"), c => Assert.DoesNotContain(accounts, a => Text(a, "Name") == Text(c, "name") && Text(a, "BillingCity") == Text(c, "city") && Text(c, "salesforce_id") is { Length: > 0 }));
        var first = (await run.Api.GetFromJsonAsync<JsonNode>("/api/sync/runs?max=50"))!["runs"]!.AsArray().Last()!;
        Assert.True(first["outOfScope"]!.GetValue<int>() > 0, first.ToJsonString());

        var outside = accounts.First(a => Text(a, "BillingCity") != "Berlin");
        var status = await StatusAsync("Account", Text(outside, "Id")!);
        Assert.Equal("OutOfScope", status["errorCode"]!.GetValue<string>());
        Assert.Equal("Skipped(OutOfScope)", status["app"]!.GetValue<string>());

        // Contacts of out-of-scope accounts stay in Salesforce; those of linked accounts are linked.
        var appContacts = await AppAsync("contacts");
        var contactsOutside = await SalesforceAsync($"SELECT Id, Email FROM Contact WHERE AccountId = '{Text(outside, "Id")}'");
        Assert.NotEmpty(contactsOutside);
        Assert.All(contactsOutside, c => Assert.DoesNotContain(appContacts, a => Text(a, "email") == Text(c, "Email") && Text(a, "salesforce_id") == Text(c, "Id")));

        // Leaves: a linked Berlin account moves to Paris with a new phone. Nothing reaches the app, nothing is deleted.
        var pair = linked.First();
        var accountId = Text(pair, "salesforce_id")!;
        await PatchAccountAsync(accountId, new { BillingCity = "Paris", Phone = "+49 30 555 0101" });
        var left = await run.SyncAsync();
        Assert.Equal(1, left["outOfScope"]!.GetValue<int>());
        var stayed = (await run.App.GetFromJsonAsync<JsonObject>($"/customers/{pair["id"]}"))!;
        Assert.Equal(("Berlin", Text(pair, "phone_number")), (Text(stayed, "city"), Text(stayed, "phone_number")));
        Assert.Equal("OutOfScope", (await StatusAsync("Account", accountId))["errorCode"]!.GetValue<string>());

        // Comes back: the edit made while it was out arrives with the return.
        await PatchAccountAsync(accountId, new { BillingCity = "Berlin" });
        var back = await run.SyncAsync();
        Assert.Equal(0, back["outOfScope"]!.GetValue<int>());
        Assert.Equal("+49 30 555 0101", Text((await run.App.GetFromJsonAsync<JsonObject>($"/customers/{pair["id"]}"))!, "phone_number"));

        // Enters: a Salesforce-only account moves to Berlin and is created in the app as a new record, its contacts with it.
        var newcomer = accounts.First(a => Text(a, "BillingCity") != "Berlin" && !customers.Any(c => Text(c, "name") == Text(a, "Name")));
        await PatchAccountAsync(Text(newcomer, "Id")!, new { BillingCity = "Berlin" });
        await run.SyncAsync();
        var created = (await AppAsync("customers")).Single(c => Text(c, "salesforce_id") == Text(newcomer, "Id"));
        Assert.Equal("Berlin", Text(created, "city"));
        var itsContacts = await SalesforceAsync($"SELECT Id FROM Contact WHERE AccountId = '{Text(newcomer, "Id")}'");
        var contactsNow = await AppAsync("contacts");
        Assert.NotEmpty(itsContacts);
        Assert.All(itsContacts, c => Assert.Contains(contactsNow, a => Text(a, "salesforce_id") == Text(c, "Id")));

        // A list view edited in Salesforce: after the refresh the contacts are re-read under the new filter, without an edit.
        var lovelace = (await SalesforceAsync($"SELECT Id, LastName FROM Contact WHERE AccountId = '{Text(newcomer, "Id")}'")).First();
        using (var http = new HttpClient { BaseAddress = run.Salesforce.BaseAddress })
        {
            using var put = await http.PutAsJsonAsync("/__emulator/listviews/Contact/MyContacts", new { label = "My Contacts", where = $"LastName != '{Text(lovelace, "LastName")}'" });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var rescoped = await run.SyncAsync();
        Assert.Contains("The Contact scope changed", rescoped["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("OutOfScope", (await StatusAsync("Contact", Text(lovelace, "Id")!))["errorCode"]!.GetValue<string>());
    }
}
