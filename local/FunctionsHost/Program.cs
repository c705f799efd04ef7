using System.Globalization;
using System.Text.Json.Nodes;
using SfSync.FunctionsHost;

// The product on one machine: dependencies (unless configured), a local Service Bus broker (unless configured), the
// custom handler, and a local Functions host that fires the timer, receives sync-batches with the Service Bus SDK and
// serves /api with function keys.
//   dotnet run --project local/FunctionsHost [-- --once] [--seed 30] [--port 7071] [--schedule "0 */5 * * * *"]
var once = args.Contains("--once");
var seed = int.Parse(Option("--seed") ?? "30", CultureInfo.InvariantCulture);
var port = int.Parse(Option("--port") ?? "7071", CultureInfo.InvariantCulture);
var root = FindRoot();
var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
void Print(string line) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");

// Read first: a binding the local host cannot run fails before anything is started.
var catalog = new FunctionCatalog(root);
await using var stack = new LocalStack(root, configuration, Print);
var settings = await stack.StartAsync(seed, stop.Token);
if (Option("--schedule") is { } schedule)
{
    settings["SyncSchedule"] = schedule;
}

// Before the handler starts: it inherits the settings, the broker's connection string among them.
await using var serviceBus = await ServiceBusConnections.StartAsync(catalog, settings, Print, stop.Token);
await using var handler = new HandlerProcess("dotnet", [Path.Combine(root, "functions", "bin", configuration, "net10.0", "SfSync.Functions.dll")], root, settings, Print);
await handler.StartAsync(stop.Token);
Print($"handler ready at {handler.BaseUrl} ({catalog.Functions.Count} functions)");

using var invoker = new Invoker(() => handler.BaseUrl, catalog, serviceBus, Print);
var runtime = new FunctionsRuntime(catalog, invoker, settings);
var trigger = catalog.Functions.Single(f => f.TriggerType == "serviceBusTrigger");
await using var queue = new QueueInspector(serviceBus.Client(trigger.Trigger), serviceBus.QueueName(trigger.Trigger));

var builder = WebApplication.CreateBuilder();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var web = builder.Build();
web.MapHttpFunctions(catalog, invoker, settings["FunctionKey"], queue, handler, new Dictionary<string, object>
{
    ["salesforce"] = settings["Salesforce__LoginUrl"],
    ["app"] = settings["App__BaseUrl"],
    ["appApiKey"] = settings["App__ApiKey"],
});
await web.StartAsync(stop.Token);
// The documented local key is shown; a key set in local.settings.json is a secret and is not.
var keyShown = settings["FunctionKey"] == "local-function-key" ? settings["FunctionKey"] : "the FunctionKey of local.settings.json";
Print($"Functions host on http://127.0.0.1:{port}/api (x-functions-key: {keyShown}); timer '{settings["SyncSchedule"]}'");

await using var listener = await ServiceBusListener.StartAsync(trigger, catalog.ServiceBus, serviceBus, invoker, Print, stop.Token);

// The first sync, at once: POST /api/sync through the host, then follow the run until it ends.
var start = await invoker.InvokeAsync(catalog.Functions.Single(f => f.Name == "StartSync"), new JsonObject { ["req"] = new JsonObject { ["Method"] = "POST", ["Body"] = "{}" } }, [], stop.Token);
var runId = JsonNode.Parse(start.Outputs["res"]?["body"]?.GetValue<string>() ?? "{}")?["runId"]?.GetValue<string>();
var exitCode = 1;
if (runId is null)
{
    Print($"the first sync did not start: {start.Error ?? start.Outputs.ToJsonString()}");
}
else
{
    var run = await FollowAsync(runId);
    exitCode = run?["status"]?.GetValue<string>() == "Succeeded" ? 0 : 1;

    // Contacts synced before their new account was linked are reconciled again seconds later (follow-ups):
    // run until a sync finds nothing left, so the demo ends settled.
    for (var round = 0; round < 3 && exitCode == 0 && !stop.IsCancellationRequested; round++)
    {
        await Task.Delay(TimeSpan.FromSeconds(6), stop.Token);
        var again = await invoker.InvokeAsync(catalog.Functions.Single(f => f.Name == "StartSync"), new JsonObject { ["req"] = new JsonObject { ["Method"] = "POST", ["Body"] = "{}" } }, [], stop.Token);
        var answer = JsonNode.Parse(again.Outputs["res"]?["body"]?.GetValue<string>() ?? "{}");
        if (answer?["runId"]?.GetValue<string>() is not { } followUpRun || (answer["batches"]?.GetValue<int>() ?? 0) + (answer["resent"]?.GetValue<int>() ?? 0) == 0)
        {
            break;
        }

        exitCode = (await FollowAsync(followUpRun))?["status"]?.GetValue<string>() == "Succeeded" ? 0 : 1;
    }

    var health = await invoker.InvokeAsync(catalog.Functions.Single(f => f.Name == "Health"), new JsonObject { ["req"] = new JsonObject { ["Method"] = "GET" } }, [], stop.Token);
    var usage = JsonNode.Parse(health.Outputs["res"]?["body"]?.GetValue<string>() ?? "{}")?["salesforce"]?["apiUsage"];
    Print($"Salesforce API usage: {usage?["used"]} of {usage?["dailyMax"]} daily calls (every call of this org so far, the seeding included)");
}

if (once)
{
    await stop.CancelAsync();
}
else
{
    Print("syncing on the schedule; Ctrl+C to stop");
    await Task.WhenAny(runtime.RunTimersAsync(stop.Token), Task.Delay(Timeout.Infinite, stop.Token)).ContinueWith(_ => { }, TaskScheduler.Default);
}

await web.StopAsync(CancellationToken.None);
return exitCode;

async Task<JsonNode?> FollowAsync(string id)
{
    var getRun = catalog.Functions.Single(f => f.Name == "GetRun");
    var shown = "";
    var started = DateTime.UtcNow;
    while (!stop.IsCancellationRequested && DateTime.UtcNow - started < TimeSpan.FromMinutes(10))
    {
        var result = await invoker.InvokeAsync(getRun, new JsonObject { ["req"] = new JsonObject { ["Method"] = "GET", ["Params"] = new JsonObject { ["runId"] = id } } }, [], stop.Token);
        var run = JsonNode.Parse(result.Outputs["res"]?["body"]?.GetValue<string>() ?? "{}");
        var progress = $"run {id}: {run?["status"]} — batches {run?["batchesDone"]}/{run?["batchesPlanned"]}";
        if (progress != shown)
        {
            Print(progress);
            shown = progress;
        }

        if (run?["status"]?.GetValue<string>() is { } status && status != "Running")
        {
            Summary(run, DateTime.UtcNow - started);
            return run;
        }

        await Task.Delay(500, stop.Token);
    }

    return null;
}

void Summary(JsonNode run, TimeSpan took)
{
    static string Side(JsonNode? c) => $"{c?["created"]} created, {c?["updated"]} updated, {c?["deleted"]} deleted, {c?["unchanged"]} unchanged, {c?["skipped"]} skipped, {c?["failed"]} failed";
    Console.WriteLine();
    Console.WriteLine($"Run {run["runId"]}: {run["status"]} in {took.TotalSeconds:F1} s — {run["message"]}");
    Console.WriteLine($"  Salesforce: {Side(run["salesforce"])}");
    Console.WriteLine($"  App:        {Side(run["app"])}");
    Console.WriteLine($"  Conflicts resolved for Salesforce: {run["conflictsResolvedForSalesforce"]}; blanks filled: {run["blanksFilled"]}");
    foreach (var error in run["errors"]?.AsArray() ?? [])
    {
        Console.WriteLine($"  ! {error}");
    }

    Console.WriteLine();
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "host.json")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? Directory.GetCurrentDirectory();
}
