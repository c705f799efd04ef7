using Microsoft.Extensions.DependencyInjection;
using SfSync.Model;
using SfSync.Runs;
using SfSync.Salesforce;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Planning;

/// <summary>Decorators the planner tests put around the engine's ports (the shared fakes stay as they are).</summary>
internal static class PlannerTestPorts
{
    /// <summary>Replaces the registration of <typeparamref name="T"/> by a decorator around whatever was registered.</summary>
    public static IServiceCollection Decorate<T>(this IServiceCollection services, Func<T, T> wrap)
        where T : class
    {
        var inner = services.Last(d => d.ServiceType == typeof(T));
        return services.AddSingleton<T>(sp => wrap((T)(inner.ImplementationInstance
            ?? inner.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!))));
    }

    /// <summary>A harness whose Salesforce port is an <see cref="ObservedSalesforce"/> and whose cursor store copies
    /// positions on every read, as a store that deserializes them does.</summary>
    public static (SyncHarness Harness, ObservedSalesforce Salesforce, CopyingCursorStore Cursors) Create(
        IDictionary<string, string?>? settings = null, string? tableConnection = null, Action<IServiceCollection>? configure = null)
    {
        ObservedSalesforce? salesforce = null;
        CopyingCursorStore? cursors = null;
        var harness = new SyncHarness(settings, tableConnection, services =>
        {
            services.Decorate<ISalesforceRecords>(inner => salesforce = new ObservedSalesforce((FakeSalesforce)inner));
            services.Decorate<ICursorStore>(inner => cursors = new CopyingCursorStore(inner));
            configure?.Invoke(services);
        });
        _ = harness.Planner; // builds the decorators
        return (harness, salesforce!, cursors!);
    }

    /// <summary>The reported API usage on the next Salesforce call is <paramref name="used"/> of the fake's daily 15,000.</summary>
    public static void UsageOnNextCall(this FakeSalesforce salesforce, long used) => salesforce.UsedBefore = used - salesforce.Calls - 1;
}

/// <summary>Counts the planner's Salesforce calls by kind, and can forget the usage figure as a restarted process would.</summary>
internal sealed class ObservedSalesforce(FakeSalesforce inner) : ISalesforceRecords
{
    private bool _forgotten;

    public FakeSalesforce Inner => inner;

    public int UsageReads { get; private set; }

    public int ChangeReads { get; private set; }

    public ApiUsage? LastUsage => _forgotten ? null : inner.LastUsage;

    public TimeSpan? ClockOffset => inner.ClockOffset;

    /// <summary>A new process: nothing in memory, the usage figure included, until the next call.</summary>
    public void Restart() => _forgotten = true;

    public async Task<ApiUsage> ReadUsageAsync(CancellationToken cancellationToken = default)
    {
        UsageReads++;
        var usage = await inner.ReadUsageAsync(cancellationToken);
        _forgotten = false;
        return usage;
    }

    public async Task<IReadOnlyList<SalesforceChangePage>> ReadChangesAsync(IReadOnlyList<SalesforceChangeQuery> queries, CancellationToken cancellationToken = default)
    {
        ChangeReads++;
        var pages = await inner.ReadChangesAsync(queries, cancellationToken);
        _forgotten = false;
        return pages;
    }

    public async Task<SalesforceReadResult> ReadAsync(SalesforceReadRequest request, CancellationToken cancellationToken = default)
    {
        var result = await inner.ReadAsync(request, cancellationToken);
        _forgotten = false;
        return result;
    }

    public async Task<SalesforceWriteResult> WriteAsync(SalesforceWriteSet writes, CancellationToken cancellationToken = default)
    {
        var result = await inner.WriteAsync(writes, cancellationToken);
        _forgotten = false;
        return result;
    }
}

/// <summary>Hands out copies of the stored positions (never the instances saved) and counts the saves.</summary>
internal sealed class CopyingCursorStore(ICursorStore inner) : ICursorStore
{
    public int Saves { get; private set; }

    public async Task<CursorState?> GetAsync(EntityKind entity, CancellationToken cancellationToken = default) =>
        await inner.GetAsync(entity, cancellationToken) is { } state
            ? state with { Planned = Copy(state.Planned), Committed = Copy(state.Committed) }
            : null;

    public Task<bool> TrySaveAsync(CursorState state, CancellationToken cancellationToken = default)
    {
        Saves++;
        return inner.TrySaveAsync(state, cancellationToken);
    }

    private static FeedPosition Copy(FeedPosition position) =>
        new(position.SalesforceWatermark, new Dictionary<SalesforceId, SeenVersion>(position.RecentSalesforce), position.AppCursor is null ? null : new string(position.AppCursor), position.SalesforceSettled);
}

/// <summary>Counts run-history saves, to tell them from every other state write.</summary>
internal sealed class CountingRunHistory(IRunHistory inner) : IRunHistory
{
    public int Saves { get; private set; }

    public Task<SyncRun?> GetAsync(string runId, CancellationToken cancellationToken = default) => inner.GetAsync(runId, cancellationToken);

    public Task<bool> TrySaveAsync(SyncRun run, CancellationToken cancellationToken = default)
    {
        Saves++;
        return inner.TrySaveAsync(run, cancellationToken);
    }

    public Task<IReadOnlyList<SyncRun>> ListAsync(int max, CancellationToken cancellationToken = default) => inner.ListAsync(max, cancellationToken);
}
