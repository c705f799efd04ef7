using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Transport;
using Microsoft.Extensions.Logging;
using SfSync.ServiceBusBroker.Queues;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// The library's runtime provider: it creates the broker's end of every link the SDK attaches and wires it to
/// <c>$cbs</c>, a queue's <c>$management</c> node, or the queue itself. An address naming nothing is refused with
/// <c>amqp:not-found</c>, which the SDK reports as MessagingEntityNotFound.
/// </summary>
internal sealed partial class LinkRouter : IRuntimeProvider
{
    private readonly IReadOnlyDictionary<string, Queue> _queues;
    private readonly CbsNode _cbs;
    private readonly Dictionary<(string Queue, SubQueue SubQueue), ManagementNode> _management = [];
    private readonly long _maxMessageSize;
    private readonly ILogger _logger;

    public LinkRouter(IReadOnlyDictionary<string, Queue> queues, CbsNode cbs, long maxMessageSize, ILogger logger)
    {
        _queues = queues;
        _cbs = cbs;
        _maxMessageSize = maxMessageSize;
        _logger = logger;
        foreach (var queue in queues.Values)
        {
            _management[(queue.Name, SubQueue.Active)] = new ManagementNode(queue, SubQueue.Active, logger);
            _management[(queue.Name, SubQueue.DeadLetter)] = new ManagementNode(queue, SubQueue.DeadLetter, logger);
        }
    }

    public AmqpConnection CreateConnection(TransportBase transport, ProtocolHeader protocolHeader, bool isInitiator, AmqpSettings amqpSettings, AmqpConnectionSettings connectionSettings) =>
        new(transport, protocolHeader, isInitiator, amqpSettings, connectionSettings);

    /// <summary>Never called for a listener: the connection creates the sessions a client begins.</summary>
    public AmqpSession CreateSession(AmqpConnection connection, AmqpSessionSettings settings) => throw new NotSupportedException();

    public AmqpLink CreateLink(AmqpSession session, AmqpLinkSettings settings)
    {
        try
        {
            return Create(session, settings);
        }
        catch (Exception exception) when (exception is not AmqpException)
        {
            LogLinkRefused(_logger, exception, settings.LinkName);
            throw;
        }
    }

    private AmqpLink Create(AmqpSession session, AmqpLinkSettings settings)
    {
        // Role true: the broker receives on this link (the client sends to the target address).
        var receives = settings.Role == true;
        var address = Resolve(receives ? (settings.Target as Target)?.Address : (settings.Source as Source)?.Address);
        if (receives)
        {
            if (address.Node == EntityNode.Messages)
            {
                if (address.SubQueue == SubQueue.DeadLetter)
                {
                    throw new AmqpException(AmqpErrorCode.NotAllowed, "Messages cannot be sent to a dead-letter queue.");
                }

                // The SDK sizes messages and batches by this; without it, it computes -1 and refuses every send.
                settings.MaxMessageSize = (ulong)_maxMessageSize;
                settings.AddProperty("com.microsoft:max-message-batch-size", _maxMessageSize);
            }

            return new ReceivingAmqpLink(session, settings);
        }

        if (address.Node == EntityNode.Messages)
        {
            settings.MaxMessageSize = (ulong)_maxMessageSize;
        }

        return new SendingAmqpLink(session, settings);
    }

    public IAsyncResult BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
    {
        try
        {
            return Open(link, callback, state);
        }
        catch (Exception exception) when (exception is not AmqpException)
        {
            LogLinkRefused(_logger, exception, link.Name);
            throw;
        }
    }

    private Task Open(AmqpLink link, AsyncCallback callback, object state)
    {
        var address = Resolve(link.IsReceiver ? (link.Settings.Target as Target)?.Address : (link.Settings.Source as Source)?.Address);
        LogLinkAttached(_logger, link.IsReceiver ? "sender" : "receiver", link.IsReceiver ? (link.Settings.Target as Target)?.Address?.ToString() : (link.Settings.Source as Source)?.Address?.ToString());
        switch (address.Node)
        {
            case EntityNode.Cbs:
                _cbs.Attach(link);
                break;
            case EntityNode.Management:
                _management[(_queues[address.Queue].Name, address.SubQueue)].Attach(link);
                break;
            default:
                var queue = _queues[address.Queue];
                if (link is ReceivingAmqpLink inbound)
                {
                    new Publisher(queue, inbound, _maxMessageSize, _logger).Start();
                }
                else
                {
                    new Consumer(queue, address.SubQueue, (SendingAmqpLink)link).Start();
                }

                break;
        }

        // The library reads its link back from the result's AsyncState.
        var opened = new TaskCompletionSource(state);
        opened.SetResult();
        callback?.Invoke(opened.Task);
        return opened.Task;
    }

    public void EndOpenLink(IAsyncResult result)
    {
    }

    private EntityAddress Resolve(Address? address)
    {
        var text = address?.ToString();
        if (!EntityAddress.TryParse(text, out var parsed) || (parsed.Node != EntityNode.Cbs && !_queues.ContainsKey(parsed.Queue)))
        {
            throw new AmqpException(AmqpErrorCode.NotFound, $"The messaging entity '{text}' could not be found. The local broker has: {string.Join(", ", _queues.Keys)}.");
        }

        return parsed;
    }

    [LoggerMessage(EventId = 9131, EventName = "BrokerLinkRefused", Level = LogLevel.Warning, Message = "The link {Link} could not be attached")]
    private static partial void LogLinkRefused(ILogger logger, Exception exception, string link);

    [LoggerMessage(EventId = 9130, EventName = "BrokerLinkAttached", Level = LogLevel.Debug, Message = "A {Role} link attached to {Address}")]
    private static partial void LogLinkAttached(ILogger logger, string role, string? address);
}
