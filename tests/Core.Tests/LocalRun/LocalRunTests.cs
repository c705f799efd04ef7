using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.LocalRun;

/// <summary>
/// End to end through the local Functions host, over HTTP only: the seeded first sync, edits on either side, the
/// deletion rules, redelivery, a malformed message, and the HTTP API's keys and problem details.
/// Seed 12: companies 0, 3, 6, 9 exist on both sides; 1, 4, 7, 10 only in Salesforce; 2, 5, 8, 11 only in the app.
/// </summary>
[Collection(LocalRunCollection.Name)]
public sealed class LocalRunTests(LocalRunFixture run)
{
    private async Task<JsonArray> CustomersAsync() => (await run.App.GetFromJsonAsync<JsonNode>("/customers?take=1000"))!["items"]!.AsArray();

    private async Task<JsonArray> ContactsAsync() => (await run.App.GetFromJsonAsync<JsonNode>("/contacts?take=1000"))!["items"]!.AsArray();

    private async Task<JsonObject> CustomerAsync(string name) => (await CustomersAsync()).Single(c => c!["name"]!.GetValue<string>() == name)!.AsObject();

    private Task<JsonObject?> AccountAsync(string name) => run.SalesforceQueryOneAsync($"SELECT Id, Name, Phone, Description, BillingCity, BillingState, IsDeleted, SystemModstamp FROM Account WHERE Name = '{name}' AND IsDeleted = false");

    [Fact]
    public async Task The_first_sync_links_and_merges_the_seeded_data_as_the_rules_say()
    {
        var acme = await CustomerAsync("Acme Corp");
        var account = (await AccountAsync("Acme Corp"))!;

        Assert.Equal("Trade show A", acme["description"]!.GetValue<string>());      // conflict: Salesforce wins
        Assert.Equal("BE", account["BillingState"]!.GetValue<string>());            // blank in Salesforce filled from the app
        Assert.Equal("+1 555 1000", acme["phone_number"]!.GetValue<string>());       // blank in the app filled from Salesforce
        Assert.Equal(account["Id"]!.GetValue<string>(), acme["salesforce_id"]!.GetValue<string>());
        Assert.Single(await CustomersAsync(), c => c!["name"]!.GetValue<string>() == "Acme Corp");
        Assert.NotNull(await AccountAsync("Initech Corp"));                          // app-only company went to Salesforce
        Assert.NotNull((await CustomersAsync()).SingleOrDefault(c => c!["name"]!.GetValue<string>() == "Globex Corp")); // and the other way

        var contacts = await ContactsAsync();
        Assert.Equal(contacts.Count, contacts.Select(c => c!["email"]!.GetValue<string>()).Distinct().Count());
        var runs = (await run.Api.GetFromJsonAsync<JsonNode>("/api/sync/runs?max=50"))!["runs"]!.AsArray();
        Assert.Contains(runs, r => r!["conflictsResolvedForSalesforce"]!.GetValue<int>() > 0 && r["blanksFilled"]!.GetValue<int>() > 0);
    }

    [Fact]
    public void The_first_sync_is_one_run_with_one_summary_and_leaves_nothing_for_the_next()
    {
        Assert.Single(Regex.Matches(run.FirstSyncOutput, @"^Run \S+: Succeeded in ", RegexOptions.Multiline));
        Assert.DoesNotMatch(@"\b(warn|fail|crit):|Exception", run.FirstSyncOutput);
        Assert.Equal((0, 0), (run.SyncAfterFirst["batches"]!.GetValue<int>(), run.SyncAfterFirst["resent"]!.GetValue<int>()));
    }

    [Fact]
    public async Task The_printed_commands_edit_a_linked_company_on_each_side_and_sync_it_as_printed()
    {
        // What the run printed after its first sync, run as printed by bash: token, two edits, a sync, a look at both sides.
        var lines = run.FirstSyncOutput.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l != "Try a two-way edit by hand (bash, while this run is up):").Skip(1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        var script = Path.Combine(Path.GetTempPath(), $"sfsync-try-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "set -euo pipefail\n" + string.Join("\n", lines) + "\n");
        try
        {
            using var bash = ChildProcess.Start("bash", [script], Path.GetTempPath());
            Assert.True(await bash.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, bash.Output);
        }
        finally
        {
            File.Delete(script);
        }

        await run.WaitUntilQuietAsync();
        Assert.Equal("+1 555 0199", (await CustomerAsync("Soylent Corp"))["phone_number"]!.GetValue<string>());
        Assert.Equal("Paris", (await AccountAsync("Soylent Corp"))!["BillingCity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Edits_on_either_side_arrive_on_the_other_after_POST_api_sync()
    {
        var globex = (await AccountAsync("Globex Corp"))!;
        using (var edit = await run.Salesforce.PatchAsJsonAsync($"/services/data/v62.0/sobjects/Account/{globex["Id"]}", new { Phone = "+1 555 7777" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, edit.StatusCode);
        }

        var initech = await CustomerAsync("Initech Corp");
        using (var edit = await run.App.PatchAsJsonAsync($"/customers/{initech["id"]}", new { city = "Paris" }))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        var result = await run.SyncAsync();

        Assert.Equal("+1 555 7777", (await CustomerAsync("Globex Corp"))["phone_number"]!.GetValue<string>());
        Assert.Equal("Paris", (await AccountAsync("Initech Corp"))!["BillingCity"]!.GetValue<string>());
        Assert.Equal("Succeeded", result["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_contact_deleted_in_the_app_disappears_from_Salesforce()
    {
        var umbrella = await CustomerAsync("Umbrella Corp"); // company 5: app only, so its contacts were created in Salesforce
        var contact = (await run.App.GetFromJsonAsync<JsonNode>($"/contacts?customerId={umbrella["id"]}"))!["items"]!.AsArray()[0]!;
        var email = contact["email"]!.GetValue<string>();
        Assert.False((await run.SalesforceQueryOneAsync($"SELECT Id, IsDeleted FROM Contact WHERE Email = '{email}'"))!["IsDeleted"]!.GetValue<bool>());

        using (var delete = await run.App.DeleteAsync($"/contacts/{contact["id"]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await run.SyncAsync();

        Assert.True((await run.SalesforceQueryOneAsync($"SELECT Id, IsDeleted FROM Contact WHERE Email = '{email}'"))!["IsDeleted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_customer_deleted_in_the_app_stays_in_Salesforce_and_comes_back_with_its_contacts_after_its_account_changes()
    {
        var tyrell = await CustomerAsync("Cyberdyne Corp"); // company 8: app only
        var emails = (await run.App.GetFromJsonAsync<JsonNode>($"/contacts?customerId={tyrell["id"]}"))!["items"]!.AsArray().Select(c => c!["email"]!.GetValue<string>()).ToList();
        using (var delete = await run.App.DeleteAsync($"/customers/{tyrell["id"]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await run.SyncAsync();
        var account = (await AccountAsync("Cyberdyne Corp"))!;
        Assert.False(account["IsDeleted"]!.GetValue<bool>());
        foreach (var email in emails)
        {
            Assert.False((await run.SalesforceQueryOneAsync($"SELECT Id, IsDeleted FROM Contact WHERE Email = '{email}'"))!["IsDeleted"]!.GetValue<bool>());
        }

        Assert.DoesNotContain(await CustomersAsync(), c => c!["name"]!.GetValue<string>() == "Cyberdyne Corp");

        using (var edit = await run.Salesforce.PatchAsJsonAsync($"/services/data/v62.0/sobjects/Account/{account["Id"]}", new { Phone = "+1 555 8888" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, edit.StatusCode);
        }

        // One run brings the customer back and, seconds later in the same run, its contacts (LAC: "the customer
        // (including its contacts) will be re-created … upon the next synchronization update").
        var result = await run.SyncAsync();
        var back = await CustomerAsync("Cyberdyne Corp");
        Assert.Equal(("+1 555 8888", account["Id"]!.GetValue<string>()), (back["phone_number"]!.GetValue<string>(), back["salesforce_id"]!.GetValue<string>()));
        var contacts = (await run.App.GetFromJsonAsync<JsonNode>($"/contacts?customerId={back["id"]}"))!["items"]!.AsArray();
        Assert.Equal(emails.Order(), contacts.Select(c => c!["email"]!.GetValue<string>()).Order());
        Assert.Equal(("Succeeded", 1 + emails.Count), (result["status"]!.GetValue<string>(), result["app"]!["created"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_redelivered_batch_changes_nothing()
    {
        var account = (await AccountAsync("Acme Corp"))!;
        var customer = await CustomerAsync("Acme Corp");
        var message = JsonSerializer.Serialize(new { v = 1, batchId = Guid.NewGuid().ToString("N"), planId = "redelivered", runId = "redelivered", entity = "Account", keys = new[] { new { sf = account["Id"]!.GetValue<string>(), app = customer["id"]!.GetValue<string>() } }, full = false, attempt = 2 });

        using (var send = await run.Admin.PostAsync("/admin/queue", new StringContent(message, Encoding.UTF8, "text/plain")))
        {
            Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        }

        await Task.Delay(300);
        await run.WaitUntilQuietAsync();

        Assert.Equal(account["SystemModstamp"]!.GetValue<string>(), (await AccountAsync("Acme Corp"))!["SystemModstamp"]!.GetValue<string>());
        Assert.Equal(customer["version"]!.GetValue<long>(), (await CustomerAsync("Acme Corp"))["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_malformed_message_is_completed_and_its_reason_recorded_in_the_run_history()
    {
        using (var send = await run.Admin.PostAsync("/admin/queue", new StringContent("this is not a sync batch", Encoding.UTF8, "text/plain")))
        {
            Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        }

        await Task.Delay(300);
        await run.WaitUntilQuietAsync();

        var runs = (await run.Api.GetFromJsonAsync<JsonNode>("/api/sync/runs?max=100"))!["runs"]!.AsArray();
        var rejected = runs.First(r => r!["trigger"]!.GetValue<string>() == "Message")!;
        Assert.Equal("Failed", rejected["status"]!.GetValue<string>());
        Assert.Contains("not valid batch JSON", rejected["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain((await run.Admin.GetFromJsonAsync<JsonNode>("/admin/queue"))!["deadLetter"]!.AsArray(), d => d!["body"]!.GetValue<string>() == "this is not a sync batch");
    }

    [Fact]
    public async Task HTTP_calls_need_the_function_key_and_bad_input_gets_problem_details()
    {
        using var anonymous = new HttpClient { BaseAddress = run.Admin.BaseAddress };
        using var noKey = await anonymous.PostAsync("/api/sync", JsonContent.Create(new { }));
        using var wrongKey = new HttpRequestMessage(HttpMethod.Get, "/api/sync/runs");
        wrongKey.Headers.Add("x-functions-key", "wrong");
        using var wrong = await anonymous.SendAsync(wrongKey);
        using var bad = await run.Api.PostAsync("/api/sync", JsonContent.Create(new { entities = new[] { "Lead" } }));
        using var badJson = await run.Api.PostAsync("/api/sync/records", new StringContent("{not json", Encoding.UTF8, "application/json"));
        using var wrongObject = await run.Api.PostAsJsonAsync("/api/sync/records", new { entity = "Contact", salesforceId = "001000000000001AAA" });
        using var noSuchContact = await run.Api.PostAsJsonAsync("/api/sync/records", new { entity = "Contact", salesforceId = "003000000009999AAA" });
        using var noSuchCustomer = await run.Api.PostAsJsonAsync("/api/sync/records", new { entity = "Account", appId = "no-such-customer" });
        using var missing = await run.Api.GetAsync("/api/sync/runs/no-such-run");
        using var method = await run.Api.DeleteAsync("/api/sync/runs");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (noKey.StatusCode, wrong.StatusCode));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        Assert.Contains("'Lead' is not an entity", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongObject.StatusCode);
        Assert.Contains("Contact ids start with 003", await wrongObject.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (noSuchContact.StatusCode, noSuchCustomer.StatusCode));
        Assert.Equal("application/problem+json", noSuchCustomer.Content.Headers.ContentType!.MediaType);
        Assert.Contains("app id no-such-customer", await noSuchCustomer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
    }

    [Fact]
    public async Task Health_single_record_sync_record_status_and_link_import_answer_over_HTTP()
    {
        var health = (await run.Api.GetFromJsonAsync<JsonNode>("/api/health"))!;
        Assert.Equal("Healthy", health["status"]!.GetValue<string>());
        Assert.True(health["salesforce"]!["apiUsage"]!["used"]!.GetValue<long>() > 0);

        var contact = (await run.SalesforceQueryOneAsync("SELECT Id, Email FROM Contact WHERE IsDeleted = false ORDER BY Email LIMIT 1"))!;
        using var synced = await run.Api.PostAsJsonAsync("/api/sync/records", new { entity = "Contact", salesforceId = contact["Id"]!.GetValue<string>() });
        var outcome = JsonNode.Parse(await synced.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, synced.StatusCode);
        Assert.Equal("Unchanged", outcome["salesforce"]!["outcome"]!.GetValue<string>());

        var status = (await run.Api.GetFromJsonAsync<JsonNode>($"/api/sync/records/contacts/salesforce/{contact["Id"]}"))!;
        Assert.Equal(outcome["appId"]!.GetValue<string>(), status["appId"]!.GetValue<string>());
        Assert.NotNull(status["lastSyncedAt"]);

        using var csv = await run.Api.PostAsync("/api/links?entity=Account", new StringContent("salesforceId,appId\n001000000000001,999999\nnot-an-id,5\n", Encoding.UTF8, "text/csv"));
        var imported = JsonNode.Parse(await csv.Content.ReadAsStringAsync())!;
        Assert.Equal((1, 1), (imported["linked"]!.GetValue<int>(), imported["errors"]!.AsArray().Count));
    }

    [Fact]
    public async Task The_handler_speaks_the_custom_handler_protocol()
    {
        // A timer invocation: an object in Data, no outputs (the handler sends its batches itself, through the SDK), Logs as strings.
        using var timer = await run.Handler.PostAsJsonAsync("/SyncTimer", new { Data = new { timer = new { Schedule = new { }, ScheduleStatus = (object?)null, IsPastDue = false } }, Metadata = new { sys = new { MethodName = "SyncTimer" } } });
        Assert.Equal(HttpStatusCode.OK, timer.StatusCode);
        Assert.Equal("application/json", timer.Content.Headers.ContentType!.MediaType);
        var envelope = JsonNode.Parse(await timer.Content.ReadAsStringAsync())!;
        Assert.Empty(envelope["Outputs"]!.AsObject());
        Assert.Contains(envelope["Logs"]!.AsArray(), l => l!.GetValue<string>().StartsWith("Run ", StringComparison.Ordinal));

        // A Service Bus invocation: the body arrives JSON-encoded a second time, DeliveryCount as a string.
        using var message = await run.Handler.PostAsJsonAsync("/ApplyBatch", new { Data = new { message = JsonSerializer.Serialize("{\"v\":1}") }, Metadata = new { DeliveryCount = "3", MessageId = JsonSerializer.Serialize("m-1") } });
        var applied = JsonNode.Parse(await message.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        Assert.Contains(applied["Logs"]!.AsArray(), l => l!.GetValue<string>().Contains("Message m-1 (delivery 3) was not processed", StringComparison.Ordinal));

        // An HTTP invocation with bad input: still 200 to the host, the 400 travels in the res output.
        using var http = await run.Handler.PostAsJsonAsync("/StartSync", new { Data = new { req = new { Method = "POST", Url = "http://x/api/sync", Headers = new Dictionary<string, string[]> { ["Content-Type"] = ["application/json"] }, Body = "{\"entities\": 5}" } }, Metadata = new { } });
        var res = JsonNode.Parse(await http.Content.ReadAsStringAsync())!["Outputs"]!["res"]!;
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        Assert.Equal(400, res["statusCode"]!.GetValue<int>());
        Assert.Equal("application/problem+json", res["headers"]!["Content-Type"]!.GetValue<string>());
        Assert.Equal(400, JsonNode.Parse(res["body"]!.GetValue<string>())!["status"]!.GetValue<int>());

        // The readiness probe.
        using var ready = await run.Handler.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await run.WaitUntilQuietAsync();
    }
}
