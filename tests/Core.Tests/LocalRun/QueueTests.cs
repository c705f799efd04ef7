using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.LocalRun;

/// <summary>
/// How batches travel, end to end through the local stack: the handler sends with the Service Bus SDK to the local
/// broker, the local host receives with a ServiceBusProcessor and invokes ApplyBatch as the real host does.
/// </summary>
[Collection(LocalRunCollection.Name)]
public sealed class QueueTests(LocalRunFixture run)
{
    [Fact]
    public async Task A_run_s_batches_arrive_with_message_ids_of_batch_and_attempt_and_a_second_send_of_one_id_is_dropped()
    {
        var customers = await run.CreateLinkedAsync("Queue ids", 3);
        foreach (var customer in customers)
        {
            using var edit = await run.App.PatchAsJsonAsync($"/customers/{customer!["id"]}", new { city = "Lyon " + customer["id"] });
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        var result = await run.SyncAsync();
        Assert.Equal("Succeeded", result["status"]!.GetValue<string>());
        Assert.Matches($@"Batch (\w+) of run {result["runId"]} \(message \1\.1, delivery 1\)", run.Output);

        // The same message twice under one MessageId (a client retry after a lost acknowledgement): applied once.
        var duplicate = Guid.NewGuid().ToString("N");
        var body = JsonSerializer.Serialize(new { v = 1, batchId = duplicate, planId = "duplicate", runId = "duplicate", entity = "Account", keys = new[] { new { app = customers[0]!["id"]!.ToString() } }, full = false, attempt = 1 });
        for (var i = 0; i < 2; i++)
        {
            using var send = await run.Admin.PostAsync($"/admin/queue?messageId={duplicate}.1", new StringContent(body, Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        }

        await Task.Delay(500);
        await run.WaitUntilQuietAsync();
        Assert.Equal(1, Occurrences(run.Output, $"Batch {duplicate} of run duplicate"));
    }

    [Fact]
    public async Task A_batch_deferred_while_Salesforce_is_down_is_scheduled_on_the_queue_and_applied_when_due_without_another_sync()
    {
        var customer = (await run.CreateLinkedAsync("Deferred", 1))[0];
        using (var edit = await run.App.PatchAsJsonAsync($"/customers/{customer["id"]}", new { city = "Nantes" }))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        // The planner's read gets through (slowly); the batch's read, a moment later, meets an outage.
        // Four seconds of latency leave the test time to switch the outage on while the batch's read waits, even when
        // the machine is busy with the other tests.
        await FaultsAsync(new { latencyMs = 4000 });
        string runId;
        try
        {
            using var started = await run.Api.PostAsync("/api/sync", JsonContent.Create(new { }));
            runId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
            await FaultsAsync(new { unavailableShare = 1.0 });

            // The invocation's log line comes once it has answered; the scheduled message is on the queue before that.
            await WaitForAsync(() => Task.FromResult(System.Text.RegularExpressions.Regex.IsMatch(run.Output, $@"of run {runId} \([^)]*\) deferred and scheduled on the queue") ? true : (bool?)null), TimeSpan.FromSeconds(60));
            var scheduled = (await Queue())["scheduled"]!.AsArray().FirstOrDefault(m => m!.ToJsonString().Contains(runId, StringComparison.Ordinal));
            Assert.NotNull(scheduled);
            Assert.True(scheduled!["scheduledEnqueueTime"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddSeconds(-5));
            Assert.Equal("Running", (await Run(runId))["status"]!.GetValue<string>());
        }
        finally
        {
            // Salesforce comes back; nobody starts a sync: the scheduled attempt applies the batch and ends the run.
            await FaultsAsync(new { });
        }

        var back = Stopwatch.StartNew();
        var ended = await WaitForAsync(async () => (await Run(runId)) is { } r && r["status"]!.GetValue<string>() != "Running" ? r : null, TimeSpan.FromSeconds(90));
        Assert.Equal("Succeeded", ended!["status"]!.GetValue<string>());
        Assert.Contains("Nantes", (await run.SalesforceQueryOneAsync($"SELECT Id, BillingCity FROM Account WHERE Id = '{customer["salesforce_id"]}'"))!["BillingCity"]!.ToString(), StringComparison.Ordinal);
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(60), $"applied {back.Elapsed.TotalSeconds:F1} s after Salesforce came back");
    }

    [Fact]
    public async Task A_batch_the_handler_could_not_answer_is_dead_lettered_listed_with_its_reason_and_replayed_to_success()
    {
        var customer = (await run.CreateLinkedAsync("Dead letter", 1))[0];
        using (var edit = await run.App.PatchAsJsonAsync($"/customers/{customer["id"]}", new { city = "Rennes" }))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        // The batch is being applied (its Salesforce read is slow) when the handler dies: Service Bus redelivers at
        // once, with no back-off, to a handler that is not there, ten times, and dead-letters it.
        // The handler dies once the batch's invocation is running (its message is locked), not after a fixed delay:
        // the batch's read then waits out the latency at Salesforce and the batch claims nothing. A kill that came
        // after the read was answered would find the record claimed, and a claim holds it for its 15-minute lease,
        // so the replay would leave it alone (a ConcurrentUpdate skip) and the check below says so.
        await FaultsAsync(new { latencyMs = 4000 });
        string runId;
        try
        {
            using var started = await run.Api.PostAsync("/api/sync", JsonContent.Create(new { }));
            runId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
            var answered = await SalesforceCallsAsync();
            await WaitForAsync(async () => (await Queue())["messages"]!.AsArray().Any(m => m!["state"]!.GetValue<string>() == "Locked" && m["body"]!.GetValue<string>().Contains(runId, StringComparison.Ordinal)) ? true : (bool?)null, TimeSpan.FromSeconds(30));
            using var crash = await run.Admin.PostAsync("/admin/handler/crash", null);
            Assert.Equal(HttpStatusCode.Accepted, crash.StatusCode);

            // The emulator counts a call once its latency is over, and a call whose caller died in it never: none counted
            // since the planner's read means the batch's read was never answered, so nothing was claimed.
            Assert.True(answered == await SalesforceCallsAsync(), "The handler died after the batch's Salesforce read was answered: its record may be claimed, which is not the crash this test is about.");
        }
        finally
        {
            await FaultsAsync(new { });
        }

        await WaitForAsync(async () => (await Queue())["deadLetter"]!.AsArray().FirstOrDefault(d => d!["body"]!.GetValue<string>().Contains(runId, StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
        await WaitForAsync(async () => (await run.Api.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK ? true : (bool?)null, TimeSpan.FromSeconds(60));
        run.Handler.Dispose();
        run.Handler = new HttpClient { BaseAddress = new Uri((await run.Admin.GetFromJsonAsync<JsonNode>("/admin/stack"))!["handler"]!.GetValue<string>()) };

        var listing = (await run.Api.GetFromJsonAsync<JsonNode>("/api/sync/deadletters"))!;
        var letter = listing["messages"]!.AsArray().First(m => m!["runId"]?.GetValue<string>() == runId)!;
        Assert.True(listing["depth"]!.GetValue<int>() >= 1);
        Assert.Equal(("MaxDeliveryCountExceeded", 10, "Account"), (letter["reason"]!.GetValue<string>(), letter["deliveryCount"]!.GetValue<int>(), letter["entity"]!.GetValue<string>()));
        Assert.Equal("Degraded", (await run.Api.GetFromJsonAsync<JsonNode>("/api/health"))!["status"]!.GetValue<string>());
        Assert.Equal("Running", (await Run(runId))["status"]!.GetValue<string>());

        using var replay = await run.Api.PostAsJsonAsync("/api/sync/deadletters/replay", new { });
        var replayed = JsonNode.Parse(await replay.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains(replayed["messages"]!.AsArray(), m => m!["batchId"]!.GetValue<string>() == letter["batchId"]!.GetValue<string>() && m["outcome"]!.GetValue<string>() == "Resend" && m["removed"]!.GetValue<bool>());
        Assert.Equal(0, replayed["left"]!.GetValue<int>());

        await run.WaitUntilQuietAsync();
        Assert.Equal("Succeeded", (await Run(runId))["status"]!.GetValue<string>());
        Assert.Equal("Rennes", (await run.SalesforceQueryOneAsync($"SELECT Id, BillingCity FROM Account WHERE Id = '{customer["salesforce_id"]}'"))!["BillingCity"]!.GetValue<string>());
        Assert.Equal(0, (await run.Api.GetFromJsonAsync<JsonNode>("/api/sync/deadletters"))!["depth"]!.GetValue<int>());
        Assert.Equal("Healthy", (await run.Api.GetFromJsonAsync<JsonNode>("/api/health"))!["status"]!.GetValue<string>());

        using var unknown = await run.Api.PostAsJsonAsync("/api/sync/deadletters/replay", new { batchId = "not-dead-lettered" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
    }

    private async Task<long> SalesforceCallsAsync() => (await run.Salesforce.GetFromJsonAsync<JsonNode>("/__emulator/usage"))!["used"]!.GetValue<long>();

    private Task<JsonNode> Queue() => run.Admin.GetFromJsonAsync<JsonNode>("/admin/queue")!;

    private async Task<JsonNode> Run(string runId) => (await run.Api.GetFromJsonAsync<JsonNode>($"/api/sync/runs/{runId}"))!;

    private async Task FaultsAsync(object faults)
    {
        using var response = await run.Salesforce.PutAsJsonAsync("/__emulator/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<T?> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(200);
        }
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
