using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Refit;
using SfSync.Http;

namespace SfSync.App.Http;

internal static class AppApiRegistration
{
    /// <summary>Registers the app port over the app sync API (Refit, with the sides' resilience pipeline).</summary>
    public static IServiceCollection AddAppApi(this IServiceCollection services)
    {
        services.AddOptions<AppApiOptions>().BindConfiguration(AppApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppApiOptions>, AppApiOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new AppCredential(new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = sp.GetRequiredService<IOptions<AppApiOptions>>().Value.ManagedIdentityClientId,
        })));
        services.AddTransient<AppAuthHandler>();
        services.AddRefitGeneratedClient<IAppSyncApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<AppApiOptions>>().Value.BaseUrl;
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns the timeouts
            })
            .AddSideResilience(sp => sp.GetRequiredService<IOptions<AppApiOptions>>().Value)
            .AddHttpMessageHandler<AppAuthHandler>();
        services.AddSingleton<AppApiClient>();
        services.AddSingleton<IAppRecords>(sp => sp.GetRequiredService<AppApiClient>());
        return services;
    }
}
