using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SfSync.App.Http;

/// <summary>Authenticates every call to the app: its API key, or an Entra ID bearer token for the configured scope.</summary>
internal sealed class AppAuthHandler(IOptions<AppApiOptions> options, IServiceProvider services, TimeProvider time) : DelegatingHandler
{
    public const string ApiKeyHeader = "X-Api-Key";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.ApiKey))
        {
            request.Headers.Remove(ApiKeyHeader);
            request.Headers.Add(ApiKeyHeader, settings.ApiKey);
        }
        else if (!string.IsNullOrWhiteSpace(settings.Scope))
        {
            var token = await services.GetRequiredService<AppCredential>().GetTokenAsync(settings.Scope, time, cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
