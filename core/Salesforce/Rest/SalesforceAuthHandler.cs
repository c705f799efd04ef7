using System.Net;
using System.Net.Http.Headers;

namespace SfSync.Salesforce.Rest;

/// <summary>
/// Sends data API calls to the session's instance with its bearer token, records API usage and the org's clock from
/// every answer, and on 401 (INVALID_SESSION_ID: expired or revoked) renews the token once and replays the call.
/// </summary>
internal sealed class SalesforceAuthHandler(SalesforceSession session, ApiUsageTracker usage, SalesforceClock clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var token = await session.GetAsync(cancellationToken).ConfigureAwait(false);
        var response = await SendWithAsync(request, body, token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        session.Invalidate(token.AccessToken);
        token = await session.GetAsync(cancellationToken).ConfigureAwait(false);
        using var replay = Copy(request, body);
        return await SendWithAsync(replay, body, token, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, byte[]? body, SessionToken token, CancellationToken cancellationToken)
    {
        request.RequestUri = new Uri(token.InstanceUrl, request.RequestUri!.PathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        if (body is not null && request.Content is not ByteArrayContent)
        {
            var content = new ByteArrayContent(body);
            foreach (var header in request.Content!.Headers)
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            request.Content = content;
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        usage.Observe(response);
        clock.Observe(response);
        return response;
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in request.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        return copy;
    }
}
