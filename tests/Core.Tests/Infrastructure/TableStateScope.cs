using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SfSync.Runs;
using SfSync.State;
using SfSync.State.Tables;

namespace SfSync.Tests.Infrastructure;

/// <summary>The Table Storage state on Azurite under a table prefix of its own, so tests never see each other's rows.</summary>
internal sealed class TableStateScope : IDisposable
{
    private readonly ServiceProvider _services;

    public TableStateScope(AzuriteFixture azurite, IDictionary<string, string?>? settings = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["SyncState"] = azurite.ConnectionString,
            ["Sync:State:TablePrefix"] = "T" + Guid.NewGuid().ToString("N")[..12],
        };
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddSingleton<TimeProvider>(Time)
            .AddSyncState()
            .BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; }

    public ILinkStore Links => _services.GetRequiredService<ILinkStore>();

    public ICursorStore Cursors => _services.GetRequiredService<ICursorStore>();

    public IPlanOutbox Outbox => _services.GetRequiredService<IPlanOutbox>();

    public IRunHistory Runs => _services.GetRequiredService<IRunHistory>();

    public IRecordStatusLog Statuses => _services.GetRequiredService<IRecordStatusLog>();

    public StateRequestCounter Requests => _services.GetRequiredService<StateRequestCounter>();

    public void Dispose() => _services.Dispose();
}
