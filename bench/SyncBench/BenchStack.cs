using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SfSync.Bench.Sync;

/// <summary>
/// The one-command local run as a process (timer off: the bench starts every sync over HTTP), its stand-ins reached
/// through /admin/stack, and what a row measures: emulator calls by resource, Table requests, the handler's CPU time.
/// </summary>
internal sealed class BenchStack : IAsyncDisposable
{
    private const string FunctionKey = "local-function-key";

    private readonly Process _host;
    private readonly TableStorage _storage;
    private readonly HttpClient _api;
    private readonly HttpClient _admin;
    private readonly HttpClient _app;
    private readonly HttpClient _salesforce;
    private readonly HttpClient _emulator;
    private int _round;

    private BenchStack(Process host, TableStorage storage, HttpClient api, HttpClient admin, HttpClient app, HttpClient salesforce, HttpClient emulator)
    {
        (_host, _storage, _api, _admin, _app, _salesforce, _emulator) = (host, storage, api, admin, app, salesforce, emulator);
    }

    public static async Task<BenchStack> StartAsync(string root, int seed, TableStorage storage)
    {
        var dll = Path.Combine(root, "local", "FunctionsHost", "bin", "Release", "net10.0", "SfSync.FunctionsHost.dll");
        var port = TableStorage.FreePort();
        var info = new ProcessStartInfo("dotnet", [dll, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--port", port.ToString(CultureInfo.InvariantCulture), "--schedule", "0 0 0 1 1 *"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["SyncState"] = storage.ConnectionString; // an app setting, as in Azure: the bench's own Azurite
        // The drift sweep's first start (a fresh stack has never swept) would land inside some row and mix its calls into
        // the sync's; bench/drift-sweep.sh measures it on its own.
        info.Environment["SweepSchedule"] = "0 0 0 1 1 *";
        var host = Process.Start(info)!;
        var log = Path.Combine(Path.GetTempPath(), $"sync-bench-{port}.log");
        var writer = TextWriter.Synchronized(new StreamWriter(log) { AutoFlush = true });
        host.OutputDataReceived += (_, e) => writer.WriteLine(e.Data);
        host.ErrorDataReceived += (_, e) => writer.WriteLine(e.Data);
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        Console.Error.WriteLine($"local run log: {log}");

        var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
        JsonObject? stack = null;
        for (var deadline = DateTime.UtcNow.AddMinutes(3); stack is null; await Task.Delay(500))
        {
            try
            {
                stack = await admin.GetFromJsonAsync<JsonObject>("/admin/stack");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !host.HasExited)
            {
            }
        }

        var api = new HttpClient { BaseAddress = admin.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        api.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
        var app = new HttpClient { BaseAddress = new Uri(stack["app"]!.GetValue<string>()), Timeout = TimeSpan.FromMinutes(5) };
        app.DefaultRequestHeaders.Add("X-Api-Key", stack["appApiKey"]!.GetValue<string>());
        var emulator = new HttpClient { BaseAddress = new Uri(stack["salesforce"]!.GetValue<string>()), Timeout = TimeSpan.FromMinutes(5) };
        // Edits in Salesforce are a person's (the emulator's person user), as the sync meets them.
        using var token = await emulator.PostAsync("/services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "local-client-id",
            ["client_secret"] = "local-client-secret",
            ["username"] = "person@example.com",
            ["password"] = "person-password",
        }));
        var salesforce = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        salesforce.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(await token.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>());
        return new BenchStack(host, storage, api, admin, app, salesforce, emulator);
    }

    /// <summary>
    /// Measures one piece of work until everything it caused is done (follow-ups included): starts a sync unless the
    /// local run started it itself (the first sync), and counts what happened from before it to the end.
    /// </summary>
    public async Task<Measurement> MeasureAsync(string work, bool startSync, long? floorFeedRows)
    {
        var feedRows = floorFeedRows ?? await SalesforceRecordsAsync();
        var calls = await SyncCallsAsync();
        var tables = _storage.Requests;
        var byTable = _storage.WritesByTable;
        var cpu = HandlerCpuSeconds();
        var started = DateTimeOffset.UtcNow;
        if (startSync)
        {
            using var start = await _api.PostAsync("/api/sync", JsonContent.Create(new { }));
            start.EnsureSuccessStatusCode();
        }
        else
        {
            calls = 0; // the first sync began with the local run; the org was untouched before it
            tables = (0, 0);
            byTable = new Dictionary<string, long>();
            started = DateTimeOffset.UnixEpoch;
        }

        var runs = await SettleAsync(started);
        var first = runs.Min(r => r["startedAt"]!.GetValue<DateTimeOffset>());
        var last = runs.Max(r => r["endedAt"]?.GetValue<DateTimeOffset>() ?? DateTimeOffset.UtcNow);
        long Side(string side, params string[] counts) => runs.Sum(r => counts.Sum(c => r[side]?[c]?.GetValue<long>() ?? 0));
        var keys = Side("salesforce", "created", "updated", "deleted", "unchanged", "skipped", "failed");
        var writes = Side("salesforce", "created", "updated", "deleted");
        var batches = runs.Sum(r => r["batchesDone"]!.GetValue<int>());
        var used = await SyncCallsAsync() - calls;
        var requests = _storage.Requests;
        return new Measurement(work, (last - first).TotalSeconds, keys, writes, used, Measurement.FloorOf(feedRows, keys, writes), batches,
            requests.Reads - tables.Reads, requests.Writes - tables.Writes, HandlerCpuSeconds() - (startSync ? cpu : 0))
        {
            WritesByTable = _storage.WritesByTable
                .Select(p => (p.Key, Writes: p.Value - byTable.GetValueOrDefault(p.Key)))
                .Where(p => p.Writes > 0)
                .ToDictionary(p => p.Key, p => p.Writes),
        };
    }

    /// <summary>Edits <paramref name="count"/> linked records in the app as its users would, contacts first.</summary>
    public async Task EditAppAsync(int count)
    {
        var round = ++_round;
        var contacts = await ListAsync("contacts");
        var customers = await ListAsync("customers");
        var edits = contacts.Where(Linked).Select(c => ($"/contacts/{c["id"]}", (object)new { name = $"Bench{round} {Last(c)}" }))
            .Concat(customers.Where(Linked).Select(c => ($"/customers/{c["id"]}", (object)new { description = $"bench round {round}" })))
            .Take(count)
            .ToList();
        if (edits.Count < count)
        {
            throw new InvalidOperationException($"Only {edits.Count} linked app records to edit; a larger --seed gives more.");
        }

        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(edits.Select(async edit =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await _app.PatchAsJsonAsync(edit.Item1, edit.Item2);
                response.EnsureSuccessStatusCode();
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Edits <paramref name="count"/> records in Salesforce as a person would (Collections of 200), contacts first.</summary>
    public async Task EditSalesforceAsync(int count)
    {
        var round = ++_round;
        var contacts = await SalesforceIdsAsync("Contact");
        var accounts = await SalesforceIdsAsync("Account");
        var records = contacts.Select(id => new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Contact" }, ["Id"] = id, ["FirstName"] = $"Sf{round}" })
            .Concat(accounts.Select(id => new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Account" }, ["Id"] = id, ["Description"] = $"sf round {round}" }))
            .Take(count)
            .ToList();
        foreach (var chunk in records.Chunk(200))
        {
            using var response = await _salesforce.PatchAsJsonAsync("/services/data/v62.0/composite/sobjects", new JsonObject { ["allOrNone"] = false, ["records"] = new JsonArray(chunk.Select(r => (JsonNode)r.DeepClone()).ToArray()) });
            response.EnsureSuccessStatusCode();
        }
    }

    public async Task SetLatencyAsync(int milliseconds)
    {
        var faults = (await _emulator.GetFromJsonAsync<JsonObject>("/__emulator/faults"))!;
        faults["latencyMs"] = milliseconds;
        using var response = await _emulator.PutAsJsonAsync("/__emulator/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Waits until no run runs, nothing is queued or due within a minute, and no run started for 7 s (the local
    /// run starts a few syncs of its own after its first); returns the runs started since <paramref name="since"/>.</summary>
    private async Task<List<JsonNode>> SettleAsync(DateTimeOffset since)
    {
        var quietSince = (DateTime?)null;
        var seen = -1;
        for (var deadline = DateTime.UtcNow.AddMinutes(30); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var queue = (await _admin.GetFromJsonAsync<JsonNode>("/admin/queue"))!;
            var runs = (await _api.GetFromJsonAsync<JsonNode>("/api/sync/runs?max=200"))!["runs"]!.AsArray()
                .Where(r => r!["startedAt"]!.GetValue<DateTimeOffset>() >= since.AddSeconds(-1)).Select(r => r!).ToList();
            var dueSoon = queue["scheduled"]!.AsArray().Any(s => s!["scheduledEnqueueTime"]!.GetValue<DateTimeOffset>() < DateTimeOffset.UtcNow.AddMinutes(1));
            var quiet = runs.Count > 0 && queue["active"]!.GetValue<int>() == 0 && queue["inFlight"]!.GetValue<int>() == 0 && !dueSoon
                && runs.All(r => r["status"]!.GetValue<string>() != "Running");
            if (!quiet || runs.Count != seen || quietSince is null)
            {
                quietSince = quiet ? DateTime.UtcNow : null;
                seen = runs.Count;
                continue;
            }

            if (DateTime.UtcNow - quietSince.Value > TimeSpan.FromSeconds(7))
            {
                return runs;
            }
        }

        throw new TimeoutException("The local run did not settle within 30 minutes.");
    }

    /// <summary>The org's calls so far, less the Limits resource: those are the local run's health checks, not the sync.</summary>
    private async Task<long> SyncCallsAsync()
    {
        var usage = (await _emulator.GetFromJsonAsync<JsonNode>("/__emulator/usage"))!;
        return usage["used"]!.GetValue<long>() - (usage["byResource"]?["limits"]?.GetValue<long>() ?? 0);
    }

    private async Task<long> SalesforceRecordsAsync()
    {
        var counts = (await _emulator.GetFromJsonAsync<JsonNode>("/__emulator/counts"))!;
        return (counts["Account"]?["live"]?.GetValue<long>() ?? 0) + (counts["Contact"]?["live"]?.GetValue<long>() ?? 0);
    }

    private async Task<List<JsonNode>> ListAsync(string collection)
    {
        var all = new List<JsonNode>();
        for (var skip = 0; ; skip += 1000)
        {
            var page = (await _app.GetFromJsonAsync<JsonNode>($"/{collection}?skip={skip}&take=1000"))!;
            // A bare array, or a page object carrying its records in its first array property.
            var records = page as JsonArray ?? page.AsObject().Select(p => p.Value).OfType<JsonArray>().First();
            all.AddRange(records.Select(r => r!));
            if (records.Count < 1000)
            {
                return all;
            }
        }
    }

    private async Task<List<string>> SalesforceIdsAsync(string type)
    {
        var ids = new List<string>();
        var next = "/services/data/v62.0/query?q=" + Uri.EscapeDataString($"SELECT Id FROM {type}");
        while (next is not null)
        {
            var page = (await _salesforce.GetFromJsonAsync<JsonNode>(next))!;
            ids.AddRange(page["records"]!.AsArray().Select(r => r!["Id"]!.GetValue<string>()));
            next = page["nextRecordsUrl"]?.GetValue<string>();
        }

        return ids;
    }

    private static bool Linked(JsonNode record) => record["salesforce_id"]?.GetValue<string>() is { Length: > 0 };

    private static string Last(JsonNode contact) => (contact["name"]?.GetValue<string>() ?? "Contact").Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "Contact";

    /// <summary>The handler's user + system CPU time (it is the local run's child running SfSync.Functions.dll).</summary>
    private double HandlerCpuSeconds()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), out _) || !File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("SfSync.Functions.dll", StringComparison.Ordinal))
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) != _host.Id)
                {
                    continue; // another local run's handler
                }

                return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (IOException)
            {
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _host.Kill(entireProcessTree: true);
        await _host.WaitForExitAsync();
        foreach (var client in new[] { _api, _admin, _app, _salesforce, _emulator })
        {
            client.Dispose();
        }
    }
}
