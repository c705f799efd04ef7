using System.Globalization;

namespace SfSync.Tests.Infrastructure;

/// <summary>The sample app as its own process on a free loopback port, with a fresh SQLite file and a test key.</summary>
public sealed class SampleAppFixture : IAsyncLifetime
{
    public const string ApiKey = "test-key-8c1f";

    private readonly string _dir = Directory.CreateTempSubdirectory("sfsync-sampleapp-").FullName;
    private ChildProcess? _process;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public async Task InitializeAsync()
    {
        var dll = RepoPaths.Built(Path.Combine("local", "SampleApp"), "SfSync.SampleApp.dll");
        var port = ChildProcess.FreePort();
        _process = ChildProcess.Start("dotnet",
        [
            dll,
            "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--SampleApp:Database", Path.Combine(_dir, "app.db"),
            "--SampleApp:ApiKey", ApiKey,
            "--Logging:LogLevel:Default", "Warning",
        ], _dir);
        await _process.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    public Task DisposeAsync()
    {
        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class SampleAppCollection : ICollectionFixture<SampleAppFixture>
{
    public const string Name = "SampleApp";
}
