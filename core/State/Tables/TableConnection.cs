using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace SfSync.State.Tables;

/// <summary>
/// Builds the Table service client from a named connection: a connection string for Azurite and local runs, or an
/// endpoint plus managed identity in Azure. Everything after this point is the same code path.
/// </summary>
internal static class TableConnection
{
    public static TableServiceClient Create(IConfiguration configuration, string name, TableClientOptions? options = null)
    {
        var connectionString = configuration[name];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new TableServiceClient(connectionString, options);
        }

        var section = configuration.GetSection(name);
        var endpoint = section["tableServiceUri"] ?? section["endpoint"];
        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            var clientId = section["clientId"];
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId });
            return new TableServiceClient(uri, credential, options);
        }

        throw new InvalidOperationException(
            $"The sync state connection '{name}' is not configured: set '{name}' to a connection string "
            + $"(local: UseDevelopmentStorage=true) or '{name}__tableServiceUri' to https://<account>.table.core.windows.net/.");
    }
}
