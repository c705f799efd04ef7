using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using SfSync.FunctionsHost;
using SfSync.ServiceBusBroker;
using QueueOptions = SfSync.ServiceBusBroker.Queues.QueueOptions;

namespace SfSync.Tests.FunctionsHost;

/// <summary>
/// The local host's Service Bus side for one test, put together as Program does: a broker of the test's own (so the
/// test can shorten locks and delivery counts) whose connection string the settings carry as if local.settings.json set
/// it, the app's <see cref="ServiceBusConnections"/>, an <see cref="Invoker"/> pointed at a <see cref="RecordingHandler"/>,
/// and, when asked, the trigger's <see cref="ServiceBusListener"/>. The test's own client reads and writes the queues.
/// The harness owns the app it is given and removes it when disposed.
/// </summary>
internal sealed class HostHarness : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output;

    private HostHarness(TestApp app, FunctionCatalog catalog, Broker broker, ServiceBusConnections connections, RecordingHandler handler, Invoker invoker, ConcurrentQueue<string> output)
    {
        App = app;
        Catalog = catalog;
        Broker = broker;
        Connections = connections;
        Handler = handler;
        Invoker = invoker;
        _output = output;
        Client = new ServiceBusClient(broker.ConnectionString);
    }

    public TestApp App { get; }

    public FunctionCatalog Catalog { get; }

    public Broker Broker { get; }

    public ServiceBusConnections Connections { get; }

    public RecordingHandler Handler { get; }

    public Invoker Invoker { get; }

    public ServiceBusListener? Listener { get; private set; }

    public ServiceBusClient Client { get; }

    /// <summary>What the host printed, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <param name="queue">Changes the options of every queue the app names (lock duration, max delivery count…).</param>
    /// <param name="without">Queues the app names that the broker is not to have.</param>
    public static async Task<HostHarness> StartAsync(TestApp app, Func<Invocation, Task<HandlerAnswer>>? answer = null, Action<QueueOptions>? queue = null, bool listen = true, params string[] without)
    {
        var catalog = app.Catalog();
        var names = catalog.Functions
            .SelectMany(f => f.ServiceBusOutputs.Prepend(f.Trigger))
            .Where(b => b["queueName"] is not null)
            .Select(b => b["queueName"]!.GetValue<string>())
            .Distinct()
            .Except(without)
            .ToList();
        var options = new BrokerOptions { Queues = names.Select(n => new QueueOptions { Name = n }).ToList() };
        options.Queues.ForEach(q => queue?.Invoke(q));
        var broker = await Broker.StartAsync(options);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ServiceBusConnection"] = broker.ConnectionString };
        var output = new ConcurrentQueue<string>();
        var connections = await ServiceBusConnections.StartAsync(catalog, settings, output.Enqueue);
        var handler = await RecordingHandler.StartAsync(answer);
        var invoker = new Invoker(() => handler.BaseUrl, catalog, connections, output.Enqueue);
        var harness = new HostHarness(app, catalog, broker, connections, handler, invoker, output);
        if (listen)
        {
            var trigger = catalog.Functions.Single(f => f.TriggerType == "serviceBusTrigger");
            harness.Listener = await ServiceBusListener.StartAsync(trigger, catalog.ServiceBus, connections, invoker, output.Enqueue);
        }

        return harness;
    }

    public async Task SendAsync(params ServiceBusMessage[] messages)
    {
        await using var sender = Client.CreateSender(TestApp.Queue);
        await sender.SendMessagesAsync(messages);
    }

    public async Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekAsync(string queue = TestApp.Queue, SubQueue subQueue = SubQueue.None)
    {
        await using var receiver = Client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = subQueue });
        return await receiver.PeekMessagesAsync(1000, fromSequenceNumber: 0);
    }

    /// <summary>Polls until the condition holds; fails with the host's output after a few seconds.</summary>
    public async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}. Host output:{Environment.NewLine}{Output}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Listener is not null)
        {
            await Listener.DisposeAsync();
        }

        Invoker.Dispose();
        await Handler.DisposeAsync();
        await Client.DisposeAsync();
        await Connections.DisposeAsync();
        await Broker.DisposeAsync();
        App.Dispose();
    }
}
