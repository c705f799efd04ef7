using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.LocalRun;

/// <summary>
/// Customers a test makes for itself, linked to their Salesforce accounts by a sync before the test changes them. The
/// local run is shared by every test of its collection: a test that edited the seeded customers could find one left
/// held or half-synced by the test before it (a claim outlives a killed handler by its lease), or leave one so.
/// </summary>
internal static class OwnCustomers
{
    public static async Task<IReadOnlyList<JsonObject>> CreateLinkedAsync(this LocalRunFixture run, string label, int count, string city = "Brest")
    {
        // A name no other record has: matching pairs unlinked records by name, and a seeded account must not be taken.
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var created = await run.App.PostAsJsonAsync("/customers", new { name = $"{label} {tag} {i}", city });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add((await created.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<string>());
        }

        var synced = await run.SyncAsync();
        Assert.Equal("Succeeded", synced["status"]!.GetValue<string>());
        var customers = new List<JsonObject>();
        foreach (var id in ids)
        {
            var customer = (await run.App.GetFromJsonAsync<JsonObject>($"/customers/{id}"))!;
            Assert.True(customer["salesforce_id"]?.GetValue<string>() is { Length: > 0 }, $"customer {id} was not linked by the sync: {customer.ToJsonString()}");
            customers.Add(customer);
        }

        return customers;
    }
}
