using System.Diagnostics;
using System.Globalization;

namespace SfSync.FunctionsHost;

/// <summary>
/// Starts what the product talks to on this machine — Azurite, the Salesforce emulator and the sample app, both seeded
/// with overlapping data — unless local.settings.json points at a real org or app. Everything on free loopback ports.
/// </summary>
internal sealed class LocalStack(string root, string configuration, Action<string> output, Action<string> died) : IAsyncDisposable
{
    // Azurite's well-known development account key (public, documented by Microsoft); not a secret.
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly List<Process> _processes = [];
    private volatile bool _stopping;

    /// <summary>
    /// Starts a stand-in for every dependency the settings leave unset and puts its address into them; checks that the
    /// configured ones answer. Throws <see cref="LocalRunException"/> with the reason when something cannot be used.
    /// </summary>
    public async Task StartAsync(LocalSettings settings, int seed, CancellationToken cancellationToken)
    {
        // The process id too: two local runs started in the same second (test fixtures in parallel) must not share a database.
        var data = Directory.CreateDirectory(Path.Combine(root, ".artifacts", "local", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture))).FullName;
        if (settings["SyncState__tableServiceUri"] is not null)
        {
            throw new LocalRunException($"{settings.Describe("SyncState__tableServiceUri")}: the local run reaches storage with a connection string only; set SyncState to one, or leave both empty for Azurite.");
        }

        if (UsesStandIn(settings, "SyncState"))
        {
            var port = await StartAzuriteAsync(cancellationToken);
            settings.Provide("SyncState", $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;");
        }
        else
        {
            output($"state store: {settings.Describe("SyncState")}");
        }

        if (UsesStandIn(settings, "Salesforce__LoginUrl"))
        {
            var port = HandlerProcess.FreePort();
            await StartDotnetAsync("Salesforce emulator", Path.Combine("local", "SalesforceEmulator"), "SfSync.SalesforceEmulator.dll", port,
                ["--Emulator:Seed", seed.ToString(CultureInfo.InvariantCulture)], cancellationToken);
            settings.Provide("Salesforce__LoginUrl", $"http://127.0.0.1:{port}/");
            SalesforceStandIn = true;
        }
        else
        {
            await AnswersAsync(settings, "Salesforce__LoginUrl", "the Salesforce emulator", cancellationToken);
        }

        if (UsesStandIn(settings, "App__BaseUrl"))
        {
            var port = HandlerProcess.FreePort();
            await StartDotnetAsync("sample app", Path.Combine("local", "SampleApp"), "SfSync.SampleApp.dll", port,
                ["--SampleApp:Seed", seed.ToString(CultureInfo.InvariantCulture), "--SampleApp:Database", Path.Combine(data, "sampleapp.db")], cancellationToken);
            settings.Provide("App__BaseUrl", $"http://127.0.0.1:{port}/");
            AppStandIn = true;
        }
        else
        {
            await AnswersAsync(settings, "App__BaseUrl", "the sample app", cancellationToken);
        }

        if (settings["ServiceBusConnection__fullyQualifiedNamespace"] is not null && settings["ServiceBusConnection"] is null)
        {
            throw new LocalRunException($"{settings.Describe("ServiceBusConnection__fullyQualifiedNamespace")}: the local host receives with a connection string only; set ServiceBusConnection to the namespace's connection string, or leave both empty for the local broker.");
        }
    }

    /// <summary>Whether the Salesforce emulator was started (the printed commands edit a record in it).</summary>
    public bool SalesforceStandIn { get; private set; }

    /// <summary>Whether the sample app was started.</summary>
    public bool AppStandIn { get; private set; }

    /// <summary>
    /// A dependency gets its stand-in when its setting is unset or empty; storage also when it is the development
    /// storage marker of the sample (UseDevelopmentStorage=true names Azurite on fixed ports; the local run starts its own).
    /// </summary>
    internal static bool UsesStandIn(LocalSettings settings, string name) =>
        settings[name] is not { } value || (name == "SyncState" && value.Equals("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase));

    /// <summary>A configured address that nothing answers ends the run now, with its name, instead of failing every run.</summary>
    private async Task AnswersAsync(LocalSettings settings, string name, string standIn, CancellationToken cancellationToken)
    {
        var value = settings[name]!;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new LocalRunException($"{settings.Describe(name)} is '{value}', not an http(s) address. Leave it empty to start {standIn}.");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var answer = await http.GetAsync(url, cancellationToken);
            output($"{name}: {url} ({settings.Describe(name)})");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new LocalRunException($"{settings.Describe(name)} is {url}, and nothing answers there ({ex.Message}). Leave it empty to start {standIn}.");
        }
    }

    /// <summary>
    /// The defaults of a local run: the emulator's and sample app's documented local credentials, and the demo's two
    /// settings that differ from the product's defaults (README, "Set-up"): the seeded companies on both sides link by
    /// name, and a batch deferred while a stand-in is down is tried again after seconds rather than a minute.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "custom",
        ["SyncSchedule"] = "0 */5 * * * *",
        ["SweepSchedule"] = "0 */15 * * * *",
        ["FunctionKey"] = "local-function-key",
        ["Salesforce__AuthFlow"] = "ClientCredentials",
        ["Salesforce__ClientId"] = "local-client-id",
        ["Salesforce__ClientSecret"] = "local-client-secret",
        ["Salesforce__Username"] = "integration@example.com",
        ["App__ApiKey"] = "local-dev-key",
        ["Sync__AccountMatching"] = "ExactName",
        ["Sync__Planning__DeferralBaseDelay"] = "00:00:05",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>The defaults above that are not the product's: the local run uses them only with the seeded stand-ins, and says so.</summary>
    public static IReadOnlyList<string> DemoSettings { get; } = ["Sync__AccountMatching", "Sync__Planning__DeferralBaseDelay"];

    private async Task<int> StartAzuriteAsync(CancellationToken cancellationToken)
    {
        var dir = Path.Combine(root, "local", "azurite");
        var main = Path.Combine(dir, "node_modules", "azurite", "dist", "src", "table", "main.js");
        await NpmInstall.EnsureAsync(dir, output, cancellationToken);
        var port = HandlerProcess.FreePort();
        var process = Start("Azurite", "node", [main, "--tableHost", "127.0.0.1", "--tablePort", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--silent"], dir);
        await WaitForPortAsync("Azurite (in memory)", process, port, cancellationToken);
        return port;
    }

    private async Task StartDotnetAsync(string name, string project, string dll, int port, string[] arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, project, "bin", configuration, "net10.0", dll);
        if (!File.Exists(path))
        {
            throw new LocalRunException($"{path} is not built: run the local run with dotnet run --project local/FunctionsHost (it builds the stand-ins), or dotnet build first.");
        }

        var process = Start(name, "dotnet", [path, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default", "Warning", .. arguments], Path.Combine(root, project));
        await WaitForPortAsync(name, process, port, cancellationToken);
    }

    private Process Start(string name, string file, IEnumerable<string> arguments, string directory)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.ErrorDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) { output($"{Path.GetFileName(directory)}: {e.Data}"); } };
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        var pid = process.Id;
        process.Exited += (_, _) =>
        {
            if (!_stopping)
            {
                // Its data went with it (the emulator and Azurite hold everything in memory): restarting it would sync
                // against an empty or re-seeded side, so the local run ends and says why.
                died($"{name} (pid {pid}) exited with code {process.ExitCode}");
            }
        };
        _processes.Add(process);
        return process;
    }

    private async Task WaitForPortAsync(string name, Process process, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
                output($"{name} (pid {process.Id}) listening on http://127.0.0.1:{port}");
                return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (System.Net.Sockets.SocketException)
            {
                throw new LocalRunException(process.HasExited ? $"{name} exited with code {process.ExitCode} before it listened." : $"{name} did not listen on port {port} within 60 s.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }

        foreach (var process in _processes)
        {
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }
}
