using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.LocalRun;

/// <summary>
/// A person's transaction that runs longer than the lookback, through the whole local run: the feed's call asks the
/// emulator what is committed (Get Updated's latestDateCovered), so the update is found when it commits under the stamp
/// of its start, twenty minutes behind — where a fixed ten-minute lookback would have passed it by.
/// </summary>
[Collection(LocalRunCollection.Name)]
public sealed class SlowTransactionTests(LocalRunFixture run)
{
    [Fact]
    public async Task An_update_committed_twenty_minutes_after_it_started_reaches_the_app()
    {
        var account = (await run.SalesforceQueryOneAsync("SELECT Id, Name FROM Account WHERE IsDeleted = false ORDER BY Name DESC LIMIT 1"))!;
        var description = $"Year-end job {Guid.NewGuid():N}";

        // Someone's edit of another account, synced: the feed's watermark and settled point are now, twenty minutes past
        // the start of the job below.
        var other = (await run.SalesforceQueryOneAsync("SELECT Id FROM Account WHERE IsDeleted = false ORDER BY Name ASC LIMIT 1"))!;
        using (var edit = await run.Salesforce.PatchAsJsonAsync($"/services/data/v62.0/sobjects/Account/{other["Id"]}", new { Fax = $"+1 555 {Random.Shared.Next(1000, 9999)}" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, edit.StatusCode);
        }

        Assert.Equal("Succeeded", (await run.SyncAsync())["status"]!.GetValue<string>());
        using var begun = await run.Salesforce.PostAsJsonAsync("/__emulator/transactions", new { id = account["Id"]!.GetValue<string>(), fields = new { Description = description }, startedAgo = "00:20:00" });
        Assert.Equal(HttpStatusCode.Created, begun.StatusCode);
        var transaction = (await begun.Content.ReadFromJsonAsync<JsonNode>())!["transactionId"]!.GetValue<string>();

        // While it is open, a sync sees nothing of it (and must not settle past its start).
        Assert.Equal("Succeeded", (await run.SyncAsync())["status"]!.GetValue<string>());
        Assert.NotEqual(description, (await CustomerAsync(account))["description"]?.GetValue<string>());

        using (var commit = await run.Salesforce.PostAsync($"/__emulator/transactions/{transaction}/commit", null))
        {
            Assert.Equal(HttpStatusCode.OK, commit.StatusCode);
        }

        var stamp = SfSync.Salesforce.Rest.SalesforceDates.Parse((await run.SalesforceQueryOneAsync($"SELECT Id, SystemModstamp FROM Account WHERE Id = '{account["Id"]}'"))!["SystemModstamp"]!.GetValue<string>());
        Assert.True(DateTimeOffset.UtcNow - stamp > TimeSpan.FromMinutes(19), $"committed under its start's stamp, {stamp:O}");
        var result = await run.SyncAsync();

        Assert.Equal("Succeeded", result["status"]!.GetValue<string>());
        Assert.Equal(description, (await CustomerAsync(account))["description"]?.GetValue<string>());
    }

    private async Task<JsonNode> CustomerAsync(JsonObject account) =>
        (await run.App.GetFromJsonAsync<JsonNode>("/customers?take=1000"))!["items"]!.AsArray()
            .Single(c => c!["salesforce_id"]?.GetValue<string>() == account["Id"]!.GetValue<string>())!;
}
