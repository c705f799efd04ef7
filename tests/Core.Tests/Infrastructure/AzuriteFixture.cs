namespace SfSync.Tests.Infrastructure;

/// <summary>
/// Real Azurite (the Table service) for the state tests: installed from npm at the version pinned in
/// local/azurite/package-lock.json on first use, started on a free loopback port with in-memory persistence and
/// telemetry off, stopped afterwards. <c>SFSYNC_TEST_STORAGE</c> points the tests at an already running one instead.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // Azurite's well-known development account key (public, documented by Microsoft); not a secret.
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private ChildProcess? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("SFSYNC_TEST_STORAGE") is { Length: > 0 } external)
        {
            ConnectionString = external;
            return;
        }

        var dir = Path.Combine(RepoPaths.Root, "local", "azurite");
        var main = Path.Combine(dir, "node_modules", "azurite", "dist", "src", "table", "main.js");
        await SfSync.FunctionsHost.NpmInstall.EnsureAsync(dir);
        var port = ChildProcess.FreePort();
        _process = ChildProcess.Start("node", [main, "--tableHost", "127.0.0.1", "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--silent"], dir);
        await _process.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    public Task DisposeAsync()
    {
        _process?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
