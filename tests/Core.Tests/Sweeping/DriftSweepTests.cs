using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Sweeping;

/// <summary>
/// The drift sweep end to end through the local run (emulator, sample app, Azurite, the broker, the handler over HTTP):
/// what polling misses — a purged Salesforce record, a change committed after the lookback window passed its stamp, an
/// app record gone without the feed being read, records on either side nobody linked, an app edit — is found and
/// reconciled through the batch path; a sweep interrupted between pages resumes and counts every id once; the HTTP
/// trigger answers 202, 409 and 400.
/// </summary>
[Collection(SweepRunCollection.Name)]
public sealed class DriftSweepTests(SweepRunFixture run)
{
    [Fact]
    public async Task A_sweep_after_the_first_sync_finds_no_drift_and_resumes_after_an_interruption_counting_each_id_once()
    {
        var counts = (await run.Salesforce.GetFromJsonAsync<JsonNode>("/__emulator/counts"))!;
        var (accounts, contacts) = (counts["Account"]!["all"]!.GetValue<int>(), counts["Contact"]!["all"]!.GetValue<int>());
        var customers = (await run.App.GetFromJsonAsync<JsonNode>("/customers?take=1"))!["total"]!.GetValue<int>();
        var appContacts = (await run.App.GetFromJsonAsync<JsonNode>("/contacts?take=1"))!["total"]!.GetValue<int>();

        var runId = await StartAsync();
        using (var again = await run.Api.PostAsync("/api/sync/sweep", JsonContent.Create(new { })))
        {
            var problem = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("application/problem+json", again.Content.Headers.ContentType!.MediaType);
            Assert.Contains(runId, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using (var bad = await run.Api.PostAsync("/api/sync/sweep", JsonContent.Create(new { entities = new[] { "Lead" } })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        }

        Assert.Contains("Continued", await TickAsync(), StringComparison.Ordinal);

        // Salesforce down past the connector's retries: the slice stops, the positions stay, the next slice reads the same page.
        await FaultsAsync(new { unavailableNext = 20 });
        Assert.Contains("Interrupted", await TickAsync(), StringComparison.Ordinal);
        await FaultsAsync(new { });

        var result = await FinishAsync(runId);
        var message = result["message"]!.GetValue<string>();
        Assert.Equal("Succeeded", result["status"]!.GetValue<string>());
        Assert.True(message.Contains($"Contact: {contacts} Salesforce ids, {appContacts} app ids; no drift", StringComparison.Ordinal), message);
        Assert.Contains($"Account: {accounts} Salesforce ids, {customers} app ids; no drift; 0 batches", message, StringComparison.Ordinal);
        Assert.Contains($"Contact: {contacts} Salesforce ids, {appContacts} app ids; no drift; 0 batches", message, StringComparison.Ordinal);
        // One call carries a page of each entity; a scan ends on its first page with fewer than PageSize ids.
        var calls = Math.Max(accounts, contacts) / SweepRunFixture.PageSize + 1;
        Assert.Contains($"| {calls} Salesforce calls in ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweep_reconciles_what_polling_missed_through_the_batch_path()
    {
        var customers = (await run.App.GetFromJsonAsync<JsonNode>("/customers?take=1000"))!["items"]!.AsArray().Where(c => c!["salesforce_id"] is not null).ToList();
        var contacts = (await run.App.GetFromJsonAsync<JsonNode>("/contacts?take=1000"))!["items"]!.AsArray().Where(c => c!["salesforce_id"] is not null).ToList();
        var (lateCustomer, editedCustomer) = (customers[0]!, customers[1]!);
        var (purgedContact, deletedContact) = (contacts[0]!, contacts[1]!);

        // A hard delete in Salesforce: purged from the recycle bin, queryAll no longer returns it.
        using (var purge = await run.Salesforce.PostAsJsonAsync("/__emulator/purge", new { ids = new[] { Id(purgedContact, "salesforce_id") } }))
        {
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        }

        // A person's change whose transaction committed half an hour after its stamp: past any watermark the feed read.
        using (var late = await run.Salesforce.PostAsJsonAsync("/__emulator/late-commit", new { id = Id(lateCustomer, "salesforce_id"), fields = new { Phone = "+1 555 0199" }, stampedAgo = "00:30:00" }))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        }

        // The app side: a contact deleted, a customer edited, a customer added; Salesforce: a contact added. No sync runs.
        using (await run.App.DeleteAsync($"/contacts/{Id(deletedContact, "id")}"))
        using (await run.App.PatchAsJsonAsync($"/customers/{Id(editedCustomer, "id")}", new { phone_number = "+1 555 0200" }))
        using (await run.App.PostAsJsonAsync("/customers", new { name = "Sweep Found Ltd" }))
        using (await run.Salesforce.PostAsJsonAsync("/services/data/v62.0/sobjects/Contact", new { FirstName = "Swept", LastName = "Up", Email = "swept.up@example.com", AccountId = Id(lateCustomer, "salesforce_id") }))
        {
        }

        var result = await FinishAsync(await StartAsync());
        var message = result["message"]!.GetValue<string>();

        Assert.True(message.Contains("; UnlinkedInSalesforce 1, GoneFromSalesforce 1, GoneFromApp 1; ", StringComparison.Ordinal), message);
        Assert.Contains("; UnlinkedInApp 1, ChangedInSalesforce 1, ChangedInApp 1; ", message, StringComparison.Ordinal);
        Assert.Contains("; UnlinkedInSalesforce 1, GoneFromSalesforce 1, GoneFromApp 1; ", message, StringComparison.Ordinal);
        using (var gone = await run.App.GetAsync($"/contacts/{Id(purgedContact, "id")}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode); // deleted in Salesforce → deleted in the app
        }

        Assert.True((await run.SalesforceQueryOneAsync($"SELECT Id, IsDeleted FROM Contact WHERE Id = '{Id(deletedContact, "salesforce_id")}'"))!["IsDeleted"]!.GetValue<bool>());
        Assert.Equal("+1 555 0199", (await run.App.GetFromJsonAsync<JsonNode>($"/customers/{Id(lateCustomer, "id")}"))!["phone_number"]!.GetValue<string>());
        Assert.Equal("+1 555 0200", (await run.SalesforceQueryOneAsync($"SELECT Id, Phone FROM Account WHERE Id = '{Id(editedCustomer, "salesforce_id")}'"))!["Phone"]!.GetValue<string>());
        Assert.NotNull(await run.SalesforceQueryOneAsync("SELECT Id FROM Account WHERE Name = 'Sweep Found Ltd' AND IsDeleted = false"));
        Assert.Contains((await run.App.GetFromJsonAsync<JsonNode>("/contacts?take=1000"))!["items"]!.AsArray(), c => c!["email"]?.GetValue<string>() == "swept.up@example.com");
        Assert.Equal("Succeeded", result["status"]!.GetValue<string>());
    }

    private static string Id(JsonNode record, string field) => record[field]!.GetValue<string>();

    private async Task<string> StartAsync()
    {
        using var started = await run.Api.PostAsync("/api/sync/sweep", JsonContent.Create(new { }));
        var body = JsonNode.Parse(await started.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = body["runId"]!.GetValue<string>();
        Assert.Equal($"/api/sync/runs/{runId}", body["statusUrl"]!.GetValue<string>());
        await QueueQuietAsync();
        return runId;
    }

    /// <summary>One SweepTimer invocation through the handler, as the host sends it; its log line says what the slice did.</summary>
    private async Task<string> TickAsync()
    {
        using var tick = await run.Handler.PostAsJsonAsync("/SweepTimer", new { Data = new { timer = new { Schedule = new { }, ScheduleStatus = (object?)null, IsPastDue = false } }, Metadata = new { sys = new { MethodName = "SweepTimer" } } });
        Assert.Equal(HttpStatusCode.OK, tick.StatusCode);
        var logs = JsonNode.Parse(await tick.Content.ReadAsStringAsync())!["Logs"]!.AsArray();
        await QueueQuietAsync();
        return string.Join("\n", logs.Select(l => l!.GetValue<string>()));
    }

    /// <summary>Slices until the sweep is done, each slice's batches applied before the next reads on; then the run's row.</summary>
    private async Task<JsonNode> FinishAsync(string runId)
    {
        for (var slice = 0; slice < 200; slice++)
        {
            var log = await TickAsync();
            if (log.Contains(": Finished,", StringComparison.Ordinal) || log.Contains(": Idle,", StringComparison.Ordinal))
            {
                await run.WaitUntilQuietAsync();
                return (await run.Api.GetFromJsonAsync<JsonNode>($"/api/sync/runs/{runId}"))!;
            }
        }

        throw new TimeoutException("The sweep did not finish in 200 slices.");
    }

    private async Task FaultsAsync(object faults)
    {
        using var response = await run.Salesforce.PutAsJsonAsync("/__emulator/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Nothing on the queue or in flight, nothing scheduled soon (the sweep's run itself stays Running between slices).</summary>
    private async Task QueueQuietAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var queue = (await run.Admin.GetFromJsonAsync<JsonNode>("/admin/queue"))!;
            var dueSoon = queue["scheduled"]!.AsArray().Any(s => s!["scheduledEnqueueTime"]!.GetValue<DateTimeOffset>() < DateTimeOffset.UtcNow + LocalRunFixture.ScheduledSoon);
            if (queue["active"]!.GetValue<int>() == 0 && queue["inFlight"]!.GetValue<int>() == 0 && !dueSoon)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The queue did not settle: " + run.Output[^Math.Min(run.Output.Length, 3000)..]);
    }
}
