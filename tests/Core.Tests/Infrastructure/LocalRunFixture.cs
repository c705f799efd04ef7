using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SfSync.Tests.Infrastructure;

/// <summary>
/// The whole product on this machine, started the way the README says (the local Functions host with its stack:
/// Azurite, the Salesforce emulator and the sample app seeded with overlapping data, and the custom handler), on free
/// ports. Tests talk to it only over HTTP: /api with the function key, the emulator's REST API, the app's endpoints.
/// </summary>
public class LocalRunFixture : IAsyncLifetime
{
    public const string FunctionKey = "local-function-key";

    /// <summary>A scheduled message due within this long is work still to come; one due later is the next round's.</summary>
    public static readonly TimeSpan ScheduledSoon = TimeSpan.FromSeconds(30);

    private ChildProcess? _host;

    public HttpClient Api { get; private set; } = new();

    public HttpClient Admin { get; private set; } = new();

    public HttpClient Handler { get; set; } = new();

    public HttpClient Salesforce { get; private set; } = new();

    public HttpClient App { get; private set; } = new();

    public string Output => _host?.Output ?? "";

    /// <summary>Settings a derived fixture gives the local run (as environment variables, which win over the defaults). The
    /// drift sweep's timer is off, as the sync's is: a tick during a test's fault window would leave a sweep run Running.</summary>
    protected virtual IDictionary<string, string>? Settings => new Dictionary<string, string> { ["SweepSchedule"] = "0 0 0 1 1 *" };

    public async Task InitializeAsync()
    {
        var dll = RepoPaths.Built(Path.Combine("local", "FunctionsHost"), "SfSync.FunctionsHost.dll");
        var port = ChildProcess.FreePort();
        // The timer is set to once a year: the tests start every sync themselves with POST /api/sync.
        _host = ChildProcess.Start("dotnet", [dll, "--seed", "12", "--port", port.ToString(CultureInfo.InvariantCulture), "--schedule", "0 0 0 1 1 *"], RepoPaths.Root, Settings);
        await _host.WaitForPortAsync(port, TimeSpan.FromSeconds(120));
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        Admin = new HttpClient { BaseAddress = baseUrl };
        Api = new HttpClient { BaseAddress = baseUrl };
        Api.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
        var stack = (await Admin.GetFromJsonAsync<JsonObject>("/admin/stack"))!;
        Handler = new HttpClient { BaseAddress = new Uri(stack["handler"]!.GetValue<string>()) };
        App = new HttpClient { BaseAddress = new Uri(stack["app"]!.GetValue<string>()) };
        App.DefaultRequestHeaders.Add("X-Api-Key", stack["appApiKey"]!.GetValue<string>());

        var salesforceUrl = new Uri(stack["salesforce"]!.GetValue<string>());
        using var tokenClient = new HttpClient { BaseAddress = salesforceUrl };
        // The tests' edits in Salesforce are a person's (the emulator's default person user), not the integration user's.
        using var token = await tokenClient.PostAsync("/services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "local-client-id",
            ["client_secret"] = "local-client-secret",
            ["username"] = "person@example.com",
            ["password"] = "person-password",
        }));
        Salesforce = new HttpClient { BaseAddress = salesforceUrl };
        Salesforce.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(await token.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>());

        // The first sync the host starts by itself ends (its follow-ups included) before it syncs on the schedule.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!Output.Contains("syncing on the schedule", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || _host.HasExited)
            {
                throw new InvalidOperationException("The local run's first sync did not end: " + Output);
            }

            await Task.Delay(200);
        }

        FirstSyncOutput = Output;
        await WaitUntilQuietAsync();

        // The first sync leaves nothing to do: a sync right after it plans nothing (LocalRunTests checks the answer).
        using var started = await Api.PostAsync("/api/sync", JsonContent.Create(new { }));
        SyncAfterFirst = JsonNode.Parse(await started.Content.ReadAsStringAsync())!;
        await WaitUntilQuietAsync();
    }

    /// <summary>What the local run printed until its first sync ended, before any test did anything.</summary>
    public string FirstSyncOutput { get; private set; } = "";

    /// <summary>The answer to POST /api/sync right after the first sync settled.</summary>
    public JsonNode SyncAfterFirst { get; private set; } = new JsonObject();

    /// <summary>POST /api/sync, then waits for the run and every message it caused (follow-ups included).</summary>
    public async Task<JsonNode> SyncAsync()
    {
        using var started = await Api.PostAsync("/api/sync", JsonContent.Create(new { }));
        var runId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>();
        await WaitUntilQuietAsync();
        return (await Api.GetFromJsonAsync<JsonNode>($"/api/sync/runs/{runId}"))!;
    }

    /// <summary>
    /// Waits until nothing is left to happen soon: no message waiting or locked on the queue, none scheduled to arrive
    /// within <see cref="ScheduledSoon"/> (deferred batches and follow-ups are scheduled seconds ahead), no run running.
    /// </summary>
    public async Task WaitUntilQuietAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var queue = (await Admin.GetFromJsonAsync<JsonNode>("/admin/queue"))!;
            var runs = (await Api.GetFromJsonAsync<JsonNode>("/api/sync/runs?max=5"))!["runs"]!.AsArray();
            var dueSoon = queue["scheduled"]!.AsArray().Any(s => s!["scheduledEnqueueTime"]!.GetValue<DateTimeOffset>() < DateTimeOffset.UtcNow + ScheduledSoon);
            if (queue["active"]!.GetValue<int>() == 0 && queue["inFlight"]!.GetValue<int>() == 0 && !dueSoon && runs.All(r => r!["status"]!.GetValue<string>() != "Running"))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The local run did not settle: " + Output[^Math.Min(Output.Length, 3000)..]);
    }

    public async Task<JsonObject?> SalesforceQueryOneAsync(string soql)
    {
        var result = (await Salesforce.GetFromJsonAsync<JsonNode>("/services/data/v62.0/queryAll?q=" + Uri.EscapeDataString(soql)))!;
        return result["records"]!.AsArray().FirstOrDefault()?.AsObject();
    }

    public Task DisposeAsync()
    {
        _host?.Dispose();
        foreach (var client in new[] { Api, Admin, Handler, Salesforce, App })
        {
            client.Dispose();
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class LocalRunCollection : ICollectionFixture<LocalRunFixture>
{
    public const string Name = "LocalRun";
}
