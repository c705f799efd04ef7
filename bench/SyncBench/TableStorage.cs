using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SfSync.Bench.Sync;

/// <summary>
/// Azurite with its access log on, started by the bench and handed to the local run as <c>SyncState</c>, so every Table
/// Storage request the handler makes is counted: GETs are reads, everything else (an entity-group transaction is one
/// request) a write.
/// </summary>
internal sealed partial class TableStorage : IAsyncDisposable
{
    // Azurite's well-known development account key (public, documented by Microsoft); not a secret.
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly ConcurrentDictionary<string, long> _writesByTable = new(StringComparer.Ordinal);
    private long _reads;
    private long _writes;

    private TableStorage(Process process, int port)
    {
        _process = process;
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public (long Reads, long Writes) Requests => (Interlocked.Read(ref _reads), Interlocked.Read(ref _writes));

    /// <summary>Writes so far per table (an entity-group transaction counts as <c>$batch</c>), for telling what an idle
    /// run writes.</summary>
    public IReadOnlyDictionary<string, long> WritesByTable => new Dictionary<string, long>(_writesByTable, StringComparer.Ordinal);

    public static async Task<TableStorage> StartAsync(string root)
    {
        var dir = Path.Combine(root, "local", "azurite");
        if (!File.Exists(Path.Combine(dir, "node_modules", "azurite", "package.json")))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = dir })!;
            await npm.WaitForExitAsync();
        }

        var port = FreePort();
        var info = new ProcessStartInfo("node", [Path.Combine(dir, "node_modules", "azurite", "dist", "src", "table", "main.js"), "--tableHost", "127.0.0.1", "--tablePort", port.ToString(), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose"])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var storage = new TableStorage(Process.Start(info)!, port);
        storage._process.OutputDataReceived += (_, e) => storage.Count(e.Data);
        storage._process.ErrorDataReceived += (_, _) => { };
        storage._process.BeginOutputReadLine();
        storage._process.BeginErrorReadLine();
        for (var deadline = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(250))
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return storage;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    private void Count(string? line)
    {
        if (line is null || AccessLine().Match(line) is not { Success: true } match)
        {
            return;
        }

        if (match.Groups["method"].Value == "GET")
        {
            Interlocked.Increment(ref _reads);
        }
        else
        {
            Interlocked.Increment(ref _writes);
            _writesByTable.AddOrUpdate(match.Groups["table"].Value, 1, (_, n) => n + 1);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex("\"(?<method>GET|POST|PUT|PATCH|MERGE|DELETE) /devstoreaccount1/(?<table>[^(?/ ]*)")]
    private static partial Regex AccessLine();
}
