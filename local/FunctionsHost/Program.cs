using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SfSync.FunctionsHost;

// The product on one machine: a stand-in for every dependency the settings leave unset, a local Service Bus broker
// (unless configured), the custom handler, and a local Functions host that fires the timer, receives sync-batches with
// the Service Bus SDK and serves /api with function keys. `-- --help` lists the options.
var line = CommandLine.Parse(args);
if (line.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

if (line.Error is { } error)
{
    Console.Error.WriteLine($"{error} (--help lists the options)");
    return 2;
}

var root = FindRoot();
var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
void Print(string text) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {text}");

// Ctrl+C, SIGTERM (kill, timeout, systemd, container stops), SIGQUIT and SIGHUP (the console closed) all stop the run the
// same way: the token cancels, every await unwinds, and each `await using` below stops what it started.
using var stop = new CancellationTokenSource();
string? fault = null;
var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
    .Select(signal => PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        if (!stop.IsCancellationRequested)
        {
            Print($"{context.Signal}: stopping");
            stop.Cancel();
        }
    }))
    .ToList();

void Fail(string reason)
{
    // The stand-ins share the console: on Ctrl+C they may exit a moment before the signal reaches this process.
    _ = Task.Delay(500).ContinueWith(_ =>
    {
        if (!stop.IsCancellationRequested)
        {
            fault = reason;
            Print($"{reason}: stopping the local run (start it again for a fresh one)");
            stop.Cancel();
        }
    }, TaskScheduler.Default);
}

int exitCode;
try
{
    exitCode = await RunAsync();
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    exitCode = fault is null && !line.Once ? 0 : 1;
}
catch (LocalRunException ex)
{
    Print(ex.Message);
    exitCode = 1;
}

signals.ForEach(s => s.Dispose());
Print(fault is null ? "stopped" : $"stopped: {fault}");
return exitCode;

async Task<int> RunAsync()
{
    // Read first: a binding the local host cannot run fails before anything is started.
    var catalog = new FunctionCatalog(root);
    var file = line.SettingsFile is { } given ? Path.GetFullPath(given) : Path.Combine(root, "local.settings.json");
    if (line.SettingsFile is not null && !File.Exists(file))
    {
        throw new LocalRunException($"--settings {line.SettingsFile}: no such file.");
    }

    var settings = await LocalSettings.LoadAsync(LocalStack.Defaults, file, Environment.GetEnvironmentVariables(), stop.Token);
    Print(settings.FileName is null ? "settings: the local run's defaults and the environment (no local.settings.json)" : $"settings: {settings.FileName}, and the environment");
    foreach (var name in settings.OverriddenByEnvironment)
    {
        Print($"skipping {name} from {Path.GetFileName(settings.FileName)}: the environment sets it");
    }

    await using var stack = new LocalStack(root, configuration, Print, Fail);
    await stack.StartAsync(settings, line.Seed, stop.Token);
    foreach (var name in LocalStack.DemoSettings.Where(n => settings.SourceOf(n) == SettingSource.Default))
    {
        if (stack.SalesforceStandIn && stack.AppStandIn)
        {
            Print($"demo setting {name}={settings[name]} (not the product's default; set {name} to change it)");
        }
        else
        {
            settings.Remove(name); // the demo's choices are for the seeded stand-ins, never for a real org or app
        }
    }

    if (line.Schedule is { } schedule)
    {
        settings.Provide("SyncSchedule", schedule);
    }

    // Before the handler starts: it inherits the settings, the broker's connection string among them.
    await using var serviceBus = await ServiceBusConnections.StartAsync(catalog, settings.Values, Print, stop.Token);
    await using var handler = new HandlerProcess("dotnet", [Path.Combine(root, "functions", "bin", configuration, "net10.0", "SfSync.Functions.dll")], root, settings.Values, Print);
    await handler.StartAsync(stop.Token);
    Print($"handler ready at {handler.BaseUrl} ({catalog.Functions.Count} functions)");

    using var invoker = new Invoker(() => handler.BaseUrl, catalog, serviceBus, Print);
    var runtime = new FunctionsRuntime(catalog, invoker, settings.Values);
    var trigger = catalog.Functions.Single(f => f.TriggerType == "serviceBusTrigger");
    await using var queue = new QueueInspector(serviceBus.Client(trigger.Trigger), serviceBus.QueueName(trigger.Trigger));

    var builder = WebApplication.CreateBuilder();
    builder.WebHost.UseUrls($"http://127.0.0.1:{line.Port}");
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
    builder.Services.AddSingleton<IHostLifetime, RunOwnedLifetime>();
    await using var web = builder.Build();
    web.MapHttpFunctions(catalog, invoker, settings["FunctionKey"]!, queue, handler, new Dictionary<string, object>
    {
        ["salesforce"] = settings["Salesforce__LoginUrl"]!,
        ["app"] = settings["App__BaseUrl"]!,
        ["appApiKey"] = settings["App__ApiKey"] ?? "",
    });
    try
    {
        await web.StartAsync(stop.Token);
    }
    catch (IOException ex)
    {
        throw new LocalRunException($"The Functions host cannot listen on port {line.Port} ({ex.Message}); --port chooses another.");
    }

    // The documented local key is shown; a key set in local.settings.json is a secret and is not.
    var keyShown = settings["FunctionKey"] == "local-function-key" ? settings["FunctionKey"]! : "$FunctionKey";
    Print($"Functions host on http://127.0.0.1:{line.Port}/api (x-functions-key: {(keyShown == "$FunctionKey" ? "the FunctionKey setting" : keyShown)}); timer '{settings["SyncSchedule"]}'");

    await using var listener = await ServiceBusListener.StartAsync(trigger, catalog.ServiceBus, serviceBus, invoker, Print, stop.Token);

    // The first sync, at once: POST /api/sync through the host, then follow the run until it ends — its follow-ups
    // (contacts sent back once their account is linked) belong to it, so its end is the end of the first sync.
    var start = await invoker.InvokeAsync(catalog.Functions.Single(f => f.Name == "StartSync"), new JsonObject { ["req"] = new JsonObject { ["Method"] = "POST", ["Body"] = "{}" } }, [], stop.Token);
    var runId = JsonNode.Parse(start.Outputs["res"]?["body"]?.GetValue<string>() ?? "{}")?["runId"]?.GetValue<string>();
    var exitCode = 1;
    if (runId is null)
    {
        Print($"the first sync did not start: {start.Error ?? start.Outputs.ToJsonString()}");
    }
    else
    {
        var run = await FirstRun.FollowAsync(invoker, catalog, runId, Print, stop.Token);
        exitCode = run?["status"]?.GetValue<string>() == "Succeeded" ? 0 : 1;
        var health = await invoker.InvokeAsync(catalog.Functions.Single(f => f.Name == "Health"), new JsonObject { ["req"] = new JsonObject { ["Method"] = "GET" } }, [], stop.Token);
        var usage = JsonNode.Parse(health.Outputs["res"]?["body"]?.GetValue<string>() ?? "{}")?["salesforce"]?["apiUsage"];
        if (usage?["used"] is { } used)
        {
            Print($"Salesforce API usage: {used} of {usage["dailyMax"]} daily calls (every call of this org so far, the seeding included)");
        }
    }

    if (line.Once)
    {
        return exitCode;
    }

    if (stack.SalesforceStandIn && stack.AppStandIn && runId is not null)
    {
        Console.WriteLine();
        foreach (var command in await TryItCommands.BuildAsync(line.Seed, line.Port, settings, keyShown, stop.Token))
        {
            Console.WriteLine(command);
        }

        Console.WriteLine();
    }

    Print("syncing on the schedule; Ctrl+C (or SIGTERM) stops everything");
    await runtime.RunTimersAsync(stop.Token);
    return 0;
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
