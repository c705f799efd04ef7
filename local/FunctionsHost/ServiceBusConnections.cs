using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using SfSync.ServiceBusBroker;
using QueueOptions = SfSync.ServiceBusBroker.Queues.QueueOptions;

namespace SfSync.FunctionsHost;

/// <summary>
/// The Service Bus namespaces the bindings name through their <c>connection</c> setting. A connection that
/// local.settings.json sets is a real namespace's connection string and is used as it is. Every other one is the local
/// broker's, started in-process on a free port with the bindings' queues (whose defaults are the Bicep queue's); its
/// connection string goes into the settings under the connection's name, so the handler, which inherits the settings,
/// sends to the queues the host receives from. The broker is in memory: its messages end with the process.
/// </summary>
internal sealed class ServiceBusConnections : IAsyncDisposable
{
    /// <summary>The setting the extension reads when a binding names no connection.</summary>
    private const string DefaultConnection = "AzureWebJobsServiceBus";

    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Broker? _broker;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServiceBusClient> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Connection, string Queue), ServiceBusSender> _senders = [];

    private ServiceBusConnections(IReadOnlyDictionary<string, string> settings, Broker? broker)
    {
        _settings = settings;
        _broker = broker;
    }

    public static async Task<ServiceBusConnections> StartAsync(FunctionCatalog catalog, Dictionary<string, string> settings, Action<string> output, CancellationToken cancellationToken = default)
    {
        var bindings = catalog.Functions
            .SelectMany(f => f.ServiceBusOutputs.Prepend(f.Trigger).Where(b => b["type"]?.GetValue<string>() is "serviceBusTrigger" or "serviceBus"))
            .Select(b => (Connection: ConnectionName(b, settings), Queue: QueueName(b, settings)))
            .ToList();
        var local = bindings.Where(b => !settings.ContainsKey(b.Connection)).ToList();
        foreach (var configured in bindings.Except(local).Select(b => b.Connection).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            output($"Service Bus: the namespace of {configured} in local.settings.json");
        }

        if (local.Count == 0)
        {
            return new ServiceBusConnections(settings, null);
        }

        var queues = local.Select(b => b.Queue).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var broker = await Broker.StartAsync(new BrokerOptions { Queues = queues.Select(q => new QueueOptions { Name = q }).ToList() }, cancellationToken: cancellationToken);
        foreach (var connection in local.Select(b => b.Connection).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            settings[connection] = broker.ConnectionString;
            // An identity-based form (connection__fullyQualifiedNamespace, as in Azure) would send the handler elsewhere.
            foreach (var key in settings.Keys.Where(k => k.StartsWith(connection + "__", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                settings.Remove(key);
            }
        }

        output($"Service Bus: local broker on 127.0.0.1:{broker.Port} with {string.Join(", ", queues)} (in memory: messages end with this run)");
        return new ServiceBusConnections(settings, broker);
    }

    /// <summary>The client for a binding's connection; one per namespace, shared as the extension shares them.</summary>
    public ServiceBusClient Client(JsonObject binding)
    {
        var connectionString = _settings[ConnectionName(binding, _settings)];
        lock (_gate)
        {
            if (!_clients.TryGetValue(connectionString, out var client))
            {
                client = new ServiceBusClient(connectionString);
                _clients.Add(connectionString, client);
            }

            return client;
        }
    }

    public string QueueName(JsonObject binding) => QueueName(binding, _settings);

    /// <summary>One sender per queue and namespace, kept open: the output binding sends on every invocation.</summary>
    public ServiceBusSender Sender(JsonObject binding)
    {
        var key = (ConnectionName(binding, _settings), QueueName(binding));
        var client = Client(binding);
        lock (_gate)
        {
            if (!_senders.TryGetValue(key, out var sender))
            {
                sender = client.CreateSender(key.Item2);
                _senders.Add(key, sender);
            }

            return sender;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values)
        {
            await sender.DisposeAsync();
        }

        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    private static string ConnectionName(JsonObject binding, IReadOnlyDictionary<string, string> settings) =>
        binding["connection"]?.GetValue<string>() is { Length: > 0 } name ? FunctionCatalog.Resolve(name, settings) : DefaultConnection;

    private static string QueueName(JsonObject binding, IReadOnlyDictionary<string, string> settings) =>
        FunctionCatalog.Resolve(binding["queueName"]!.GetValue<string>(), settings);
}
