using System.Collections.ObjectModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SfSync.ServiceBusBroker.Amqp;
using SfSync.ServiceBusBroker.Queues;

namespace SfSync.ServiceBusBroker;

/// <summary>
/// A local Service Bus namespace that the real <c>Azure.Messaging.ServiceBus</c> client talks to over AMQP 1.0 with
/// <see cref="ConnectionString"/>. In memory: messages do not survive <see cref="DisposeAsync"/> or a restart.
/// Starts in milliseconds; port 0 takes a free port.
/// </summary>
internal sealed partial class Broker : IAsyncDisposable
{
    private readonly ConnectionAcceptor _acceptor;
    private readonly ReadOnlyDictionary<string, Queue> _queues;

    private Broker(BrokerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        options.Validate();
        Options = options;
        var logger = loggers.CreateLogger("SfSync.ServiceBusBroker");
        _queues = options.Queues
            .Select(q => new Queue(q, time, logger))
            .ToDictionary(q => q.Name, StringComparer.OrdinalIgnoreCase)
            .AsReadOnly();
        // Token expiry is the client's wall-clock time, so it is checked against the system clock, not the queues' one.
        var cbs = new CbsNode(new SharedAccessSignature(options.SharedAccessKeyName, options.SharedAccessKey), TimeProvider.System, logger);
        var router = new LinkRouter(_queues, cbs, options.MaxMessageSizeInBytes, logger);
        _acceptor = new ConnectionAcceptor(router, options, logger);
        LogStarted(logger, Port, _queues.Keys);
    }

    public BrokerOptions Options { get; }

    public int Port => _acceptor.Port;

    /// <summary>What the SDK needs: <c>UseDevelopmentEmulator=true</c> turns TLS off and keeps the port.</summary>
    public string ConnectionString =>
        $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName={Options.SharedAccessKeyName};SharedAccessKey={Options.SharedAccessKey};UseDevelopmentEmulator=true";

    public IReadOnlyDictionary<string, Queue> Queues => _queues;

    public static Task<Broker> StartAsync(BrokerOptions? options = null, TimeProvider? time = null, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new Broker(options ?? new BrokerOptions(), time ?? TimeProvider.System, loggers ?? NullLoggerFactory.Instance));
    }

    public ValueTask DisposeAsync()
    {
        _acceptor.Dispose();
        foreach (var queue in _queues.Values)
        {
            queue.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 9100, EventName = "BrokerStarted", Level = LogLevel.Information, Message = "Local Service Bus broker on 127.0.0.1:{Port} with queues {Queues}")]
    private static partial void LogStarted(ILogger logger, int port, IEnumerable<string> queues);
}
