using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SfSync.SalesforceEmulator.Org;

namespace SfSync.SalesforceEmulator.Api;

/// <summary>
/// POST /services/oauth2/token with the four grants the connector uses: JWT bearer (RS256, checked against the
/// configured certificate), client credentials, username-password (+ security token) and refresh token.
/// </summary>
internal static class OAuthEndpoint
{
    /// <summary>The refresh token the emulator accepts; a real one comes from a web-server flow the emulator does not host.</summary>
    public const string RefreshToken = "local-refresh-token";

    public static void MapOAuth(this WebApplication app) => app.MapPost("/services/oauth2/token", async (HttpContext http, EmulatorState state, IOptions<EmulatorOptions> options, TimeProvider time) =>
    {
        if (!http.Request.HasFormContentType)
        {
            return Error("invalid_request", "Content-Type must be application/x-www-form-urlencoded");
        }

        var form = await http.Request.ReadFormAsync();
        var settings = options.Value;
        var (clientId, clientSecret) = Client(http, form);
        var grant = form["grant_type"].ToString();
        var problem = grant switch
        {
            "client_credentials" => CheckClient(settings, clientId, clientSecret, requireSecret: true),
            "password" => CheckClient(settings, clientId, clientSecret, requireSecret: true)
                ?? (PasswordUser(settings, form) is null ? ("invalid_grant", "authentication failure") : null),
            "refresh_token" => CheckClient(settings, clientId, clientSecret, requireSecret: false)
                ?? (form["refresh_token"] == RefreshToken && !state.Faults.RefreshTokenRevoked ? null : ("invalid_grant", "expired access/refresh token")),
            "urn:ietf:params:oauth:grant-type:jwt-bearer" => CheckAssertion(settings, form["assertion"].ToString(), time),
            "" => ("invalid_request", "grant_type is required"),
            _ => ("unsupported_grant_type", "grant type not supported"),
        };
        if (problem is { } p)
        {
            return Error(p.Code, p.Description);
        }

        var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}";
        var issuedAt = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        // Every flow signs in the integration user, except a password login as the org's person.
        var userId = grant == "password" ? PasswordUser(settings, form)! : OrgStore.IntegrationUserId;
        var id = $"{baseUrl}/id/{OrgStore.OrgId}/{userId}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.ClientSecret), Encoding.UTF8.GetBytes(id + issuedAt)));
        return Results.Json(new Dictionary<string, string>
        {
            ["access_token"] = state.IssueSession(userId),
            ["signature"] = signature,
            ["scope"] = "api",
            ["instance_url"] = baseUrl,
            ["id"] = id,
            ["token_type"] = "Bearer",
            ["issued_at"] = issuedAt,
        });
    });

    /// <summary>The user a username-password login signs in (the integration user or the person), or null when it fails.</summary>
    private static string? PasswordUser(EmulatorOptions settings, IFormCollection form)
    {
        var (username, password) = (form["username"].ToString(), form["password"].ToString());
        if (username == settings.Username && (password == settings.Password + settings.SecurityToken || password == settings.Password))
        {
            return OrgStore.IntegrationUserId;
        }

        return username == settings.PersonUsername && password == settings.PersonPassword ? OrgStore.PersonUserId : null;
    }

    private static (string? Id, string? Secret) Client(HttpContext http, IFormCollection form)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
                return (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : null);
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (form["client_id"].ToString(), form["client_secret"].ToString());
    }

    private static (string Code, string Description)? CheckClient(EmulatorOptions settings, string? clientId, string? clientSecret, bool requireSecret) =>
        clientId != settings.ClientId ? ("invalid_client_id", "client identifier invalid")
        : requireSecret && clientSecret != settings.ClientSecret ? ("invalid_client", "invalid client credentials")
        : !requireSecret && !string.IsNullOrEmpty(clientSecret) && clientSecret != settings.ClientSecret ? ("invalid_client", "invalid client credentials")
        : null;

    private static (string Code, string Description)? CheckAssertion(EmulatorOptions settings, string assertion, TimeProvider time)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return ("invalid_grant", "invalid assertion");
        }

        if (settings.JwtCertificatePath is not { Length: > 0 } path || !File.Exists(path))
        {
            return ("invalid_grant", "invalid assertion: no certificate is registered for this connected app");
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url(parts[0]));
            using var claims = JsonDocument.Parse(Base64Url(parts[1]));
            if (header.RootElement.GetProperty("alg").GetString() != "RS256")
            {
                return ("invalid_grant", "invalid assertion: alg must be RS256");
            }

            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            using var key = certificate.GetRSAPublicKey()!;
            if (!key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return ("invalid_grant", "invalid assertion: signature does not verify");
            }

            var root = claims.RootElement;
            if (root.GetProperty("iss").GetString() != settings.ClientId)
            {
                return ("invalid_client_id", "client identifier invalid");
            }

            if (root.GetProperty("sub").GetString() != settings.Username)
            {
                return ("invalid_grant", "user hasn't approved this consumer");
            }

            var expires = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
            var now = time.GetUtcNow();
            if (expires <= now)
            {
                return ("invalid_grant", "expired authorization code");
            }

            return null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return ("invalid_grant", "invalid assertion");
        }
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    private static IResult Error(string code, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = code, ["error_description"] = description }, statusCode: 400);
}
