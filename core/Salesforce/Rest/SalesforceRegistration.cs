using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Refit;
using SfSync.Http;

namespace SfSync.Salesforce.Rest;

internal static class SalesforceRegistration
{
    /// <summary>Placeholder host: every data call is sent to the session's instance_url by <see cref="SalesforceAuthHandler"/>.</summary>
    private static readonly Uri InstancePlaceholder = new("https://instance.invalid/");

    /// <summary>Registers the Salesforce port over the REST API: OAuth session, Composite reads and writes, usage tracking.</summary>
    public static IServiceCollection AddSalesforceApi(this IServiceCollection services)
    {
        services.AddOptions<SalesforceOptions>().BindConfiguration(SalesforceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SalesforceOptions>, SalesforceOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiUsageTracker>();
        services.AddSingleton<SalesforceClock>();
        services.AddSingleton<SalesforceSession>();
        services.AddTransient<SalesforceAuthHandler>();

        HttpTimeoutOptions Timeouts(IServiceProvider sp) => sp.GetRequiredService<IOptions<SalesforceOptions>>().Value;
        services.AddRefitGeneratedClient<ISalesforceTokenApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<SalesforceOptions>>().Value.LoginUrl;
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddSideResilience(Timeouts);
        services.AddRefitGeneratedClient<ISalesforceDataApi>()
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = InstancePlaceholder;
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns the timeouts
            })
            .AddSideResilience(Timeouts)
            .AddHttpMessageHandler<SalesforceAuthHandler>();
        services.AddSingleton<SalesforceRecordsClient>();
        services.AddSingleton<ISalesforceRecords>(sp => sp.GetRequiredService<SalesforceRecordsClient>());
        services.AddSingleton<ISalesforceListViews>(sp => sp.GetRequiredService<SalesforceRecordsClient>());
        return services;
    }
}
