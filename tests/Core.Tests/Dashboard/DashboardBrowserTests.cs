using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SfSync.FunctionsHost;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Dashboard;

/// <summary>
/// The History page in a real browser: Debian's headless Chromium (installed by this test with apt-get when missing,
/// never downloaded by npm) driven by playwright-core (pinned, npm ci) against a local stack of its own. It checks the
/// run grid against the run history, a failed record's tick-or-mark and reason, a replay from the dead-letter table by
/// keyboard, and the broken-connection banner, and saves screenshots under browser/screenshots (ignored).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardStack stack)
{
    private static readonly string Browser = Path.Combine(RepoPaths.Root, "tests", "Core.Tests", "Dashboard", "browser");

    private LocalRunFixture Run => stack.Run;

    [Fact]
    public async Task The_page_shows_the_runs_a_failed_record_s_reason_replays_a_dead_letter_and_names_a_broken_connection()
    {
        var chromium = await Chromium.EnsureAsync();
        await NpmInstall.EnsureAsync(Browser);
        Directory.CreateDirectory(Path.Combine(Browser, "screenshots"));

        // A customer whose city is longer than Salesforce's BillingCity (40): Salesforce refuses it, STRING_TOO_LONG.
        using var created = await Run.App.PostAsJsonAsync("/customers", new { name = "Overlong City Ltd", city = new string('x', 60) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var appId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.ToString();
        await Run.SyncAsync();
        var deadBatch = await DeadLetterOneAsync();

        var runs = (await Run.Api.GetFromJsonAsync<JsonNode>("/api/sync/runs?max=50"))!["runs"]!.AsArray();
        var page = await DriveAsync(chromium, "", "read", "dashboard.png");

        Assert.Equal((200, "Sync history"), (page["status"]!.GetValue<int>(), page["title"]!.GetValue<string>()));
        var rows = page["runs"]!.AsArray();
        Assert.Equal(runs.Count, rows.Count);
        foreach (var (api, row) in runs.Zip(rows))
        {
            Assert.Equal(api!["runId"]!.GetValue<string>(), row!["runId"]!.GetValue<string>());
            Assert.Equal(api["status"]!.GetValue<string>(), row["status"]!.GetValue<string>());
            Assert.Equal(api["conflictsResolvedForSalesforce"]!.GetValue<int>(), row["conflicts"]!.GetValue<int>());
            Assert.Equal(api["blanksFilled"]!.GetValue<int>(), row["blanks"]!.GetValue<int>());
            Assert.Equal(api["salesforce"]!["failed"]!.GetValue<int>() + api["app"]!["failed"]!.GetValue<int>(), row["errors"]!.GetValue<int>());
            Assert.Equal(Counts(api["salesforce"]!), row["salesforce"]!.GetValue<string>());
            Assert.Equal(Counts(api["app"]!), row["app"]!.GetValue<string>());
        }

        var failedRunId = runs.First(r => r!["errors"]!.AsArray().Any(e => e!.GetValue<string>().Contains("STRING_TOO_LONG", StringComparison.Ordinal)))!["runId"]!.GetValue<string>();
        Assert.Contains(rows, r => r!["runId"]!.GetValue<string>() == failedRunId && r["status"]!.GetValue<string>() == "CompletedWithErrors" && r["errors"]!.GetValue<int>() == 1);
        Assert.Contains(rows, r => r!["conflicts"]!.GetValue<int>() > 0 && r["blanks"]!.GetValue<int>() > 0); // the seeded first sync
        Assert.Null(page["banner"]);
        Assert.All(page["connections"]!.AsArray(), c => Assert.Equal("ok", c!["mark"]!.GetValue<string>()));
        Assert.Contains("of", page["usage"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Planning pauses at 80%", page["usage"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, page["usageLabel"]!.GetValue<int>());
        Assert.Contains("runs in the last 24 hours", page["chart"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(page["unlabelled"]!.AsArray());
        Assert.Equal(0, page["tablesWithoutCaption"]!.GetValue<int>());
        Assert.Contains(deadBatch, page["deadLetters"]!.AsArray().Select(b => b!.GetValue<string>()));
        Assert.True(page["deadLetterDepth"]!.GetValue<int>() >= 1);

        // The failed record: a red mark, its reason, and the link it has (none in Salesforce yet).
        var record = (await DriveAsync(chromium, $"entity=Account&side=app&id={appId}", "search", "record.png"))["record"]!;
        Assert.Equal(("failed", "Failed"), (record["mark"]!.GetValue<string>(), record["status"]!.GetValue<string>()));
        Assert.Contains("STRING_TOO_LONG", record["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("BillingCity", record["error"]!.GetValue<string>(), StringComparison.Ordinal);

        // A synced record: a green tick and its Salesforce id.
        var linked = (await Run.App.GetFromJsonAsync<JsonNode>("/customers?take=1000"))!["items"]!.AsArray().First(c => c!["name"]!.GetValue<string>() == "Acme Corp")!;
        var synced = (await DriveAsync(chromium, $"entity=Account&side=app&id={linked["id"]}", "search", null))["record"]!;
        Assert.Equal(("ok", linked["salesforce_id"]!.GetValue<string>()), (synced["mark"]!.GetValue<string>(), synced["salesforceId"]!.GetValue<string>()));

        // Replay, by keyboard, from the dead-letter table: the page comes back saying so, and the queue empties.
        var replayed = await DriveAsync(chromium, "", "replay", "replayed.png", deadBatch);
        Assert.Equal($"Replay batch {deadBatch}", replayed["replayLabel"]!.GetValue<string>());
        Assert.Equal("Replay: 1 dead-lettered batch was sent again.", replayed["notice"]!.GetValue<string>());
        Assert.DoesNotContain(deadBatch, replayed["deadLetters"]!.AsArray().Select(b => b!.GetValue<string>()));
        await Run.WaitUntilQuietAsync();
        Assert.Equal(0, (await Run.Api.GetFromJsonAsync<JsonNode>("/api/sync/deadletters"))!["depth"]!.GetValue<int>());

        // Salesforce down: the banner names it and why.
        await FaultsAsync(new { unavailableShare = 1.0 });
        JsonNode broken;
        try
        {
            broken = await DriveAsync(chromium, "", "read", "broken-connection.png");
        }
        finally
        {
            await FaultsAsync(new { });
        }

        var banner = broken["banner"]!.GetValue<string>();
        Assert.StartsWith("Broken connection: Salesforce.", banner, StringComparison.Ordinal);
        Assert.Contains("503", banner, StringComparison.Ordinal);
        var salesforce = broken["connections"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "Salesforce")!;
        Assert.Equal("failed", salesforce["mark"]!.GetValue<string>());
        Assert.All(broken["connections"]!.AsArray().Where(c => c!["name"]!.GetValue<string>() != "Salesforce"), c => Assert.Equal("ok", c!["mark"]!.GetValue<string>()));
    }

    private static string Counts(JsonNode side) => string.Create(CultureInfo.InvariantCulture,
        $"{side["created"]} created, {side["updated"]} updated, {side["deleted"]} deleted, {side["unchanged"]} unchanged, {side["skipped"]} skipped, {side["failed"]} failed");

    private async Task<JsonNode> DriveAsync(string chromium, string query, string mode, string? screenshot, string? batchId = null)
    {
        var baseUrl = Run.Api.BaseAddress!.ToString().TrimEnd('/');
        var url = $"{baseUrl}/api/dashboard?code={LocalRunFixture.FunctionKey}" + (query.Length > 0 ? "&" + query : "");
        var args = new List<string> { "drive.mjs", chromium, url, mode, screenshot is null ? "" : Path.Combine(Browser, "screenshots", screenshot) };
        if (batchId is not null)
        {
            args.Add(batchId);
        }

        using var node = ChildProcess.Start("node", args, Browser);
        var exit = await node.WaitForExitAsync(TimeSpan.FromSeconds(90));
        var line = node.Output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        Assert.True(exit == 0 && line is not null, node.Output);
        return JsonNode.Parse(line)!;
    }

    /// <summary>As the queue tests do it: the handler dies while a batch is being applied, and Service Bus redelivers it
    /// ten times at once to a handler that is not there, then dead-letters it.</summary>
    private async Task<string> DeadLetterOneAsync()
    {
        var customer = (await Run.App.GetFromJsonAsync<JsonNode>("/customers?take=1000"))!["items"]!.AsArray().First(c => c!["name"]!.GetValue<string>() == "Acme Corp")!;
        using (var edit = await Run.App.PatchAsJsonAsync($"/customers/{customer["id"]}", new { city = "Rennes" }))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        await FaultsAsync(new { latencyMs = 2500 });
        string runId;
        try
        {
            using var started = await Run.Api.PostAsync("/api/sync", JsonContent.Create(new { }));
            runId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
            await Task.Delay(800);
            using var crash = await Run.Admin.PostAsync("/admin/handler/crash", null);
            Assert.Equal(HttpStatusCode.Accepted, crash.StatusCode);
        }
        finally
        {
            await FaultsAsync(new { });
        }

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            // The handler restarts meanwhile: the host answers 500 until it is back.
            using var health = await Run.Api.GetAsync("/api/health");
            using var listed = await Run.Api.GetAsync("/api/sync/deadletters");
            if (health.StatusCode == HttpStatusCode.OK && listed.StatusCode == HttpStatusCode.OK
                && JsonNode.Parse(await listed.Content.ReadAsStringAsync())!["messages"]!.AsArray().FirstOrDefault(m => m!["runId"]?.GetValue<string>() == runId) is { } letter)
            {
                return letter["batchId"]!.GetValue<string>();
            }

            Assert.True(DateTime.UtcNow < deadline, "The batch was not dead-lettered: " + Run.Output[^Math.Min(Run.Output.Length, 3000)..]);
            await Task.Delay(500);
        }
    }

    private async Task FaultsAsync(object faults)
    {
        using var response = await Run.Salesforce.PutAsJsonAsync("/__emulator/faults", faults);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>A local stack of the page's own: the test breaks connections and dead-letters a batch.</summary>
public sealed class DashboardStack : IAsyncLifetime
{
    public LocalRunFixture Run { get; } = new();

    public Task InitializeAsync() => Run.InitializeAsync();

    public Task DisposeAsync() => Run.DisposeAsync();
}

/// <summary>Not beside the other local stacks: two started in the same second would share one data folder
/// (.artifacts/local/&lt;second&gt;), and the machine's cores are better spent on one stack at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DashboardCollection : ICollectionFixture<DashboardStack>
{
    public const string Name = "Dashboard";
}
