using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SfSync.App.Http;
using SfSync.Salesforce.Rest;
using SfSync.State.Tables;

namespace SfSync.Sweeping;

internal static class SweepRegistration
{
    /// <summary>Registers the drift sweep over the Salesforce, app and Table Storage adapters (register those first).</summary>
    public static IServiceCollection AddDriftSweep(this IServiceCollection services)
    {
        services.AddOptions<SweepOptions>().BindConfiguration(SweepOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SweepOptions>, SweepOptionsValidator>();
        services.AddSingleton<ISalesforceIdPages>(sp => sp.GetRequiredService<SalesforceRecordsClient>());
        services.AddSingleton<IAppIdListing>(sp => sp.GetRequiredService<AppApiClient>());
        services.AddSingleton<ILinkRanges>(sp => sp.GetRequiredService<LinkTable>());
        services.AddSingleton<ISweepStore, SweepTable>();
        services.AddSingleton<DriftSweep>();
        return services;
    }
}
