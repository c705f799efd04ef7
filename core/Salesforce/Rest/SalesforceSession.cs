using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfSync.Model;

namespace SfSync.Salesforce.Rest;

/// <summary>An access token and the instance it is valid for.</summary>
/// <param name="UserId">The user the token signs in, from the identity URL (<c>id</c>) of the token response; null when
/// the response did not say.</param>
internal sealed record SessionToken(string AccessToken, Uri InstanceUrl, SalesforceId? UserId = null)
{
    /// <summary>
    /// The user id at the end of an identity URL (<c>https://login.salesforce.com/id/{orgId}/{userId}</c>), or null when
    /// the URL is absent or does not end in an org id and a user id (key prefixes 00D and 005).
    /// </summary>
    public static SalesforceId? UserIdFrom(string? identityUrl)
    {
        if (!Uri.TryCreate(identityUrl, UriKind.Absolute, out var url))
        {
            return null;
        }

        var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 2
            && SalesforceId.TryParse(segments[^2], out var org) && org.KeyPrefix == "00D"
            && SalesforceId.TryParse(segments[^1], out var user) && user.KeyPrefix == "005"
                ? user
                : null;
    }
}

/// <summary>
/// Obtains and caches the access token for the configured flow. Salesforce does not say when a token expires; it
/// answers 401 INVALID_SESSION_ID, and the auth handler then invalidates the token here and replays once.
/// </summary>
internal sealed partial class SalesforceSession(ISalesforceTokenApi tokens, IOptions<SalesforceOptions> options, TimeProvider time, ILogger<SalesforceSession> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SessionToken? _current;
    private SessionToken? _lastIssued;

    /// <summary>
    /// The user the sync is signed in as, from the last token Salesforce issued (kept while a token is renewed); null
    /// before the first token or when the token response did not name the user.
    /// </summary>
    public SalesforceId? UserId => Volatile.Read(ref _lastIssued)?.UserId;

    public async Task<SessionToken> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is { } current)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _current ??= await RequestAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the token if it is still the current one (another call may have renewed it already).</summary>
    public void Invalidate(string accessToken) => Interlocked.CompareExchange(ref _current, null, _current?.AccessToken == accessToken ? _current : null);

    public void Dispose() => _gate.Dispose();

    private async Task<SessionToken> RequestAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (settings.AuthFlow)
        {
            case SalesforceAuthFlow.JwtBearer:
                using (var certificate = JwtAssertion.Load(settings.JwtCertificate!))
                {
                    var audience = settings.JwtAudience ?? settings.LoginUrl!.GetLeftPart(UriPartial.Authority);
                    form["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer";
                    form["assertion"] = JwtAssertion.Create(certificate, settings.ClientId, settings.Username!, audience, time.GetUtcNow());
                }

                break;
            case SalesforceAuthFlow.ClientCredentials:
                form["grant_type"] = "client_credentials";
                form["client_id"] = settings.ClientId;
                form["client_secret"] = settings.ClientSecret!;
                break;
            case SalesforceAuthFlow.RefreshToken:
                form["grant_type"] = "refresh_token";
                form["client_id"] = settings.ClientId;
                form["refresh_token"] = settings.RefreshToken!;
                if (!string.IsNullOrEmpty(settings.ClientSecret))
                {
                    form["client_secret"] = settings.ClientSecret;
                }

                break;
            case SalesforceAuthFlow.Password:
                form["grant_type"] = "password";
                form["client_id"] = settings.ClientId;
                form["client_secret"] = settings.ClientSecret!;
                form["username"] = settings.Username!;
                form["password"] = settings.Password + settings.SecurityToken;
                break;
        }

        Refit.IApiResponse<TokenResponse> response;
        try
        {
            response = await tokens.TokenAsync(form, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Http.SideCall.IsTransport(ex))
        {
            throw new SideUnavailableException(Side.Salesforce, $"could not reach the login host: {ex.Message}", ex) { Problem = Http.TransportProblem.Of(ex) };
        }

        using (response)
        {
            if (response is { IsSuccessStatusCode: true, Content: { AccessToken: { Length: > 0 } token, InstanceUrl: { } instance } }
                && Uri.TryCreate(instance, UriKind.Absolute, out var instanceUrl))
            {
                var issued = new SessionToken(token, instanceUrl, SessionToken.UserIdFrom(response.Content.Id));
                Volatile.Write(ref _lastIssued, issued);
                TokenIssued(logger, settings.AuthFlow, instanceUrl.Host, issued.UserId?.Value ?? "unknown");
                return issued;
            }

            if (response.StatusCode is null && response.Error?.InnerException is { } failure && Http.SideCall.IsTransport(failure))
            {
                throw new SideUnavailableException(Side.Salesforce, $"could not reach the login host: {failure.Message.Split('\n')[0]}", failure) { Problem = Http.TransportProblem.Of(failure) };
            }

            // Salesforce's token errors ({"error","error_description"}) are permanent for these credentials: say which.
            var reason = response.StatusCode is { } status ? $"{(int)status}" : "no answer";
            string? code = null;
            if (response.Error is Refit.ApiException { Content: { Length: > 0 } content })
            {
                try
                {
                    using var error = JsonDocument.Parse(content);
                    code = error.RootElement.GetProperty("error").GetString();
                    reason = $"{code}: {error.RootElement.GetProperty("error_description").GetString()}";
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    // keep the status
                }
            }

            TokenRefused(logger, settings.AuthFlow, reason);
            throw new SideUnavailableException(Side.Salesforce, $"authentication failed ({settings.AuthFlow}): {reason}") { Problem = TokenRefusal.Of(settings.AuthFlow, code) };
        }
    }

    [LoggerMessage(EventId = 5001, EventName = "SalesforceTokenIssued", Level = LogLevel.Information, Message = "Salesforce issued a token ({Flow}) for instance {Instance} as user {UserId}")]
    private static partial void TokenIssued(ILogger logger, SalesforceAuthFlow flow, string instance, string userId);

    [LoggerMessage(EventId = 5002, EventName = "SalesforceTokenRefused", Level = LogLevel.Error, Message = "Salesforce refused the {Flow} token request: {Reason}")]
    private static partial void TokenRefused(ILogger logger, SalesforceAuthFlow flow, string reason);
}
