using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;

namespace SfSync.Queue.ServiceBus;

/// <summary>
/// Builds the one Service Bus client from a named connection, as the Functions host reads the trigger's: a connection
/// string locally (the local broker; <c>UseDevelopmentEmulator=true</c> turns TLS off), or the fully qualified namespace
/// with the managed identity in Azure (the namespace has local auth switched off).
/// </summary>
internal static class ServiceBusConnection
{
    public static ServiceBusClient Create(IConfiguration configuration, string name)
    {
        var options = new ServiceBusClientOptions
        {
            // Seconds, not the SDK's minute: a planner that cannot send leaves the batches to the stall re-send anyway.
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 3, Delay = TimeSpan.FromSeconds(0.5), MaxDelay = TimeSpan.FromSeconds(5), TryTimeout = TimeSpan.FromSeconds(20) },
        };
        var connectionString = configuration[name];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new ServiceBusClient(connectionString, options);
        }

        var section = configuration.GetSection(name);
        if (section["fullyQualifiedNamespace"] is { Length: > 0 } fullyQualifiedNamespace)
        {
            var clientId = section["clientId"];
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId });
            return new ServiceBusClient(fullyQualifiedNamespace, credential, options);
        }

        throw new InvalidOperationException(Missing(name));
    }

    /// <summary>What start-up says when neither form is set.</summary>
    public static string Missing(string name) =>
        $"The Service Bus connection '{name}' is not configured: set '{name}' to a connection string (the local run sets it to its broker's) "
        + $"or '{name}__fullyQualifiedNamespace' to <namespace>.servicebus.windows.net (with '{name}__clientId' for a user-assigned identity).";

    public static bool IsConfigured(IConfiguration configuration, string name) =>
        !string.IsNullOrWhiteSpace(configuration[name]) || !string.IsNullOrWhiteSpace(configuration.GetSection(name)["fullyQualifiedNamespace"]);
}
