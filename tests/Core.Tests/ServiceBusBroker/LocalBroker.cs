using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using SfSync.ServiceBusBroker;
using QueueOptions = SfSync.ServiceBusBroker.Queues.QueueOptions;

namespace SfSync.Tests.ServiceBusBroker;

/// <summary>
/// A broker of its own for one test, on a free port, with the real SDK client connected to it. Options are the
/// Bicep's unless the test changes them; the clock is the system's unless the test passes a fake one.
/// </summary>
internal sealed class LocalBroker : IAsyncDisposable
{
    public const string QueueName = QueueOptions.DefaultName;

    private LocalBroker(Broker broker, ServiceBusClient client)
    {
        Broker = broker;
        Client = client;
    }

    public Broker Broker { get; }

    /// <summary>A fake clock at a whole millisecond: AMQP timestamps carry milliseconds, so times compare exactly.</summary>
    public static Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock() =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    public ServiceBusClient Client { get; }

    public static async Task<LocalBroker> StartAsync(Action<QueueOptions>? queue = null, TimeProvider? time = null, Action<BrokerOptions>? broker = null)
    {
        var options = new BrokerOptions();
        queue?.Invoke(options.Queues[0]);
        broker?.Invoke(options);
        // BROKER_TRACE=1 shows the broker's log (refused links, failed requests) on the test console.
        var loggers = Environment.GetEnvironmentVariable("BROKER_TRACE") is null ? null : LoggerFactory.Create(logging => logging.AddConsole());
        var started = await Broker.StartAsync(options, time, loggers);
        var client = new ServiceBusClient(started.ConnectionString, new ServiceBusClientOptions
        {
            // A refused operation should fail the test at once, not after the SDK's default back-off.
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(10) },
        });
        return new LocalBroker(started, client);
    }

    public ServiceBusSender Sender() => Client.CreateSender(QueueName);

    public ServiceBusReceiver Receiver(ServiceBusReceiveMode mode = ServiceBusReceiveMode.PeekLock, SubQueue subQueue = SubQueue.None) =>
        Client.CreateReceiver(QueueName, new ServiceBusReceiverOptions { ReceiveMode = mode, SubQueue = subQueue });

    /// <summary>Receives exactly <paramref name="count"/> messages, or fails after a few seconds.</summary>
    public static async Task<List<ServiceBusReceivedMessage>> ReceiveAsync(ServiceBusReceiver receiver, int count)
    {
        var received = new List<ServiceBusReceivedMessage>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (received.Count < count)
        {
            received.AddRange(await receiver.ReceiveMessagesAsync(count - received.Count, TimeSpan.FromSeconds(1), timeout.Token));
        }

        return received;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
