using Azure.Messaging.ServiceBus;
using SfSync.FunctionsHost;
using SfSync.ServiceBusBroker;

namespace SfSync.Tests.FunctionsHost;

/// <summary>
/// Where the bindings' connection leads: the in-process local broker unless local.settings.json sets the connection,
/// and the handler (which inherits the settings) is pointed at the same namespace as the host.
/// </summary>
public class ServiceBusConnectionsTests
{
    private static TestApp App() => new(functions: [("ApplyBatch", [TestApp.Trigger()]), ("StartSync", [TestApp.HttpTrigger(), TestApp.Output("batches", TestApp.Queue)])]);

    [Fact]
    public async Task Without_a_configured_connection_the_local_broker_serves_the_bindings_queue_and_its_connection_string_goes_to_the_settings()
    {
        using var app = App();
        var catalog = app.Catalog();
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ServiceBusConnection__fullyQualifiedNamespace"] = "your-namespace.servicebus.windows.net",
        };
        var output = new List<string>();
        await using var connections = await ServiceBusConnections.StartAsync(catalog, settings, output.Add);
        var binding = catalog.Functions.Single(f => f.Name == "StartSync").ServiceBusOutputs.Single();

        await connections.Sender(binding).SendMessageAsync(new ServiceBusMessage("through the binding"));
        // What the handler does with the setting it inherits: a client of its own, on the same queue.
        await using var handlerSide = new ServiceBusClient(settings["ServiceBusConnection"]);
        await using var receiver = handlerSide.CreateReceiver(TestApp.Queue);
        var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.Matches(@"^Endpoint=sb://127\.0\.0\.1:\d+;.*UseDevelopmentEmulator=true$", settings["ServiceBusConnection"]);
        Assert.False(settings.ContainsKey("ServiceBusConnection__fullyQualifiedNamespace")); // it would send the handler elsewhere
        Assert.Equal("through the binding", received?.Body.ToString());
        Assert.Equal(TestApp.Queue, connections.QueueName(catalog.Functions.Single(f => f.Name == "ApplyBatch").Trigger));
        Assert.Contains(output, line => line.Contains("local broker", StringComparison.Ordinal) && line.Contains("in memory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connection_set_in_local_settings_is_used_as_it_is_and_no_broker_is_started()
    {
        using var app = App();
        await using var real = await Broker.StartAsync(); // stands for a real namespace
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ServiceBusConnection"] = real.ConnectionString };
        var output = new List<string>();
        await using var connections = await ServiceBusConnections.StartAsync(app.Catalog(), settings, output.Add);

        await connections.Sender(app.Catalog().Functions.Single(f => f.Name == "StartSync").ServiceBusOutputs.Single()).SendMessageAsync(new ServiceBusMessage("to the configured namespace"));
        await using var client = new ServiceBusClient(real.ConnectionString);
        await using var receiver = client.CreateReceiver(TestApp.Queue);

        Assert.Equal(real.ConnectionString, settings["ServiceBusConnection"]);
        Assert.Equal("to the configured namespace", (await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)))?.Body.ToString());
        Assert.DoesNotContain(output, line => line.Contains("local broker", StringComparison.Ordinal));
    }
}
