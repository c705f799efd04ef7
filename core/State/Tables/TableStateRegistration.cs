using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SfSync.Runs;

namespace SfSync.State.Tables;

internal static class TableStateRegistration
{
    /// <summary>Registers the sync state on Azure Table Storage (Azurite locally) behind the engine's state ports.</summary>
    public static IServiceCollection AddSyncState(this IServiceCollection services)
    {
        services.AddOptions<TableStateOptions>().BindConfiguration(TableStateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StateRequestCounter>();
        services.AddSingleton(sp =>
        {
            var clientOptions = new TableClientOptions();
            // A store that is down answers within about a second and a half (four tries), not after the SDK's default
            // back-off: HTTP calls then say so quickly, and a batch fails fast enough for its redelivery.
            clientOptions.Retry.MaxRetries = 3;
            clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
            clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
            clientOptions.AddPolicy(sp.GetRequiredService<StateRequestCounter>(), HttpPipelinePosition.PerCall);
            return TableConnection.Create(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<TableStateOptions>>().Value.Connection, clientOptions);
        });
        services.AddSingleton<StateTables>();
        services.AddSingleton<LinkTable>();
        services.AddSingleton<ILinkStore>(sp => sp.GetRequiredService<LinkTable>());
        services.AddSingleton<ICursorStore, CursorTable>();
        services.AddSingleton<Scope.IScopeStore, ScopeTable>();
        services.AddSingleton<IPlanOutbox, OutboxTable>();
        services.AddSingleton<IRunHistory, RunTable>();
        services.AddSingleton<IRecordStatusLog, RecordStatusTable>();
        return services;
    }
}
