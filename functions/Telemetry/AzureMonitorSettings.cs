namespace SfSync.Functions.Telemetry;

/// <summary>
/// Where telemetry goes: Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (Azure sets it,
/// a local run does not, so nothing leaves the machine unless configured), authenticated with the managed identity that
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names (<c>ClientId=…;Authorization=AAD</c>; the resource has local
/// auth off).
/// </summary>
internal sealed record AzureMonitorSettings(string ConnectionString, bool Entra, string? ClientId)
{
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationKey = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static AzureMonitorSettings? From(IConfiguration configuration)
    {
        if (configuration[ConnectionStringKey] is not { Length: > 0 } connectionString || string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var parts = (configuration[AuthenticationKey] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        var entra = parts.TryGetValue("Authorization", out var authorization) && authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase);
        return new AzureMonitorSettings(connectionString, entra, parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0 ? clientId : null);
    }
}
