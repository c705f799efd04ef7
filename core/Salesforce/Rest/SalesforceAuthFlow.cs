namespace SfSync.Salesforce.Rest;

public enum SalesforceAuthFlow
{
    /// <summary>OAuth 2.0 JWT bearer with an X.509 certificate (RS256): no secret travels; the recommended unattended flow.</summary>
    JwtBearer,

    /// <summary>Client credentials of a connected app with a run-as integration user.</summary>
    ClientCredentials,

    /// <summary>A refresh token from a web-server flow done once by an admin.</summary>
    RefreshToken,

    /// <summary>Username, password and security token: legacy, a fallback only (Salesforce is retiring it).</summary>
    Password,
}
