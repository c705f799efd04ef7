using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SfSync.FunctionsHost;

/// <summary>
/// Starts what the product talks to on this machine — Azurite, the Salesforce emulator and the sample app, both seeded
/// with overlapping data — unless local.settings.json points at a real org or app. Everything on free loopback ports.
/// </summary>
internal sealed class LocalStack(string root, string configuration, Action<string> output) : IAsyncDisposable
{
    // Azurite's well-known development account key (public, documented by Microsoft); not a secret.
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly List<Process> _processes = [];

    /// <summary>Embedded defaults, then local.settings.json (Values), then what the stack started.</summary>
    public async Task<Dictionary<string, string>> StartAsync(int seed, CancellationToken cancellationToken)
    {
        var settings = Defaults();
        var file = Path.Combine(root, "local.settings.json");
        var configured = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (File.Exists(file))
        {
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken));
            foreach (var value in json.RootElement.GetProperty("Values").EnumerateObject())
            {
                if (value.Value.GetString() is { Length: > 0 } text)
                {
                    settings[value.Name] = text;
                    configured.Add(value.Name);
                }
            }

            output("settings: local.settings.json");
        }

        var data = Directory.CreateDirectory(Path.Combine(root, ".artifacts", "local", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture))).FullName;
        if (!configured.Contains("SyncState"))
        {
            var port = await StartAzuriteAsync(cancellationToken);
            settings["SyncState"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        }

        if (!configured.Contains("Salesforce__LoginUrl"))
        {
            var port = HandlerProcess.FreePort();
            await StartDotnetAsync("Salesforce emulator", Path.Combine("local", "SalesforceEmulator"), "SfSync.SalesforceEmulator.dll", port,
                ["--Emulator:Seed", seed.ToString(CultureInfo.InvariantCulture)], cancellationToken);
            settings["Salesforce__LoginUrl"] = $"http://127.0.0.1:{port}/";
        }

        if (!configured.Contains("App__BaseUrl"))
        {
            var port = HandlerProcess.FreePort();
            await StartDotnetAsync("sample app", Path.Combine("local", "SampleApp"), "SfSync.SampleApp.dll", port,
                ["--SampleApp:Seed", seed.ToString(CultureInfo.InvariantCulture), "--SampleApp:Database", Path.Combine(data, "sampleapp.db")], cancellationToken);
            settings["App__BaseUrl"] = $"http://127.0.0.1:{port}/";
        }

        return settings;
    }

    /// <summary>The defaults of a local run: the emulator's and sample app's documented local credentials.</summary>
    private static Dictionary<string, string> Defaults() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "custom",
        ["SyncSchedule"] = "0 */5 * * * *",
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

    private async Task<int> StartAzuriteAsync(CancellationToken cancellationToken)
    {
        var dir = Path.Combine(root, "local", "azurite");
        var main = Path.Combine(dir, "node_modules", "azurite", "dist", "src", "table", "main.js");
        await NpmInstall.EnsureAsync(dir, output, cancellationToken);
        var port = HandlerProcess.FreePort();
        Start("node", [main, "--tableHost", "127.0.0.1", "--tablePort", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--silent"], dir);
        await WaitForPortAsync("Azurite", port, cancellationToken);
        return port;
    }

    private async Task StartDotnetAsync(string name, string project, string dll, int port, string[] arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, project, "bin", configuration, "net10.0", dll);
        Start("dotnet", [path, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default", "Warning", .. arguments], Path.Combine(root, project));
        await WaitForPortAsync(name, port, cancellationToken);
    }

    private Process Start(string file, IEnumerable<string> arguments, string directory, bool track = true)
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
        if (track)
        {
            _processes.Add(process);
        }

        return process;
    }

    private async Task WaitForPortAsync(string name, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
                output($"{name} listening on http://127.0.0.1:{port}");
                return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _processes.ForEach(p => p.Dispose());
    }
}
