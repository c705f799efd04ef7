using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.LocalRun;

/// <summary>
/// The sync-batches trigger takes several messages per invocation (<c>cardinality: many</c>): posted to the handler
/// as the host posts a batch, five batches of app-side edits cost one Salesforce read call and one write call between
/// them, each keeps its own outcome, and a message that is not a batch is recorded without failing the others.
/// </summary>
[Collection(LocalRunCollection.Name)]
public sealed class CoalescedApplyTests(LocalRunFixture run)
{
    [Fact]
    public async Task Five_batches_of_one_invocation_share_one_Salesforce_read_and_one_write_and_keep_their_own_outcomes()
    {
        var customers = await run.CreateLinkedAsync("Coalesced", 5);
        var stamp = DateTime.UtcNow.Ticks % 1_000_000;
        var phones = customers.Select((c, i) => $"+1 555 {stamp:D6}{i}").ToList();
        for (var i = 0; i < customers.Count; i++)
        {
            using var edit = await run.App.PatchAsJsonAsync($"/customers/{customers[i]["id"]}", new { phone_number = phones[i] });
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        var bodies = customers.Select(c => JsonSerializer.Serialize(new
        {
            v = 1,
            batchId = Guid.NewGuid().ToString("N"),
            planId = "coalesced",
            runId = "coalesced",
            entity = "Account",
            keys = new[] { new { sf = c["salesforce_id"]!.GetValue<string>(), app = c["id"]!.GetValue<string>() } },
            full = false,
            attempt = 1,
        })).Append("not a batch").ToList();
        var ids = bodies.Select((_, i) => $"coalesced-{stamp}-{i}").ToList();

        var before = await UsedAsync();
        using var invocation = await run.Handler.PostAsJsonAsync("/ApplyBatch", new
        {
            // As the host sends a batch: the bodies bind to string[] and every metadata key to <Key>Array, each serialized.
            Data = new { message = JsonSerializer.Serialize(bodies) },
            Metadata = new { MessageIdArray = JsonSerializer.Serialize(ids), DeliveryCountArray = JsonSerializer.Serialize(bodies.Select(_ => 1)) },
        });
        var after = await UsedAsync();

        Assert.Equal(HttpStatusCode.OK, invocation.StatusCode);
        var logs = JsonNode.Parse(await invocation.Content.ReadAsStringAsync())!["Logs"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        for (var i = 0; i < customers.Count; i++)
        {
            Assert.Contains(logs, l => l.Contains($"message {ids[i]}", StringComparison.Ordinal) && l.Contains("Salesforce 0 created, 1 updated", StringComparison.Ordinal));
        }

        Assert.Contains(logs, l => l.StartsWith($"Error: Message {ids[5]} (delivery 1) was not processed", StringComparison.Ordinal));
        Assert.Equal((2, 2), (after.Used - before.Used, after.Composite - before.Composite)); // both calls Composite requests
        for (var i = 0; i < customers.Count; i++)
        {
            var record = await run.SalesforceQueryOneAsync($"SELECT Id, Phone FROM Account WHERE Id = '{customers[i]["salesforce_id"]}'");
            Assert.Equal(phones[i], record!["Phone"]!.GetValue<string>());
        }
    }

    private async Task<(long Used, long Composite)> UsedAsync()
    {
        var usage = (await run.Salesforce.GetFromJsonAsync<JsonNode>("/__emulator/usage"))!;
        return (usage["used"]!.GetValue<long>(), usage["byResource"]?["composite"]?.GetValue<long>() ?? 0);
    }
}
