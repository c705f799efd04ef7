using System.Collections.Concurrent;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Extensions.Logging;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// A node the SDK talks to with a <c>RequestResponseAmqpLink</c>: a sender link that carries requests to the node and a
/// receiver link from it whose target is a random reply-to address. The answer goes to the reply link named by the
/// request's reply-to, correlated by the request's message id.
/// </summary>
internal abstract partial class RequestResponseNode(ILogger logger)
{
    private readonly ConcurrentDictionary<string, SendingAmqpLink> _replyLinks = new(StringComparer.Ordinal);

    public void Attach(AmqpLink link)
    {
        if (link is ReceivingAmqpLink requests)
        {
            requests.RegisterMessageListener(request => OnRequest(requests, request));
            return;
        }

        var replies = (SendingAmqpLink)link;
        var replyTo = (replies.Settings.Target as Target)?.Address?.ToString()
            ?? throw new AmqpException(AmqpErrorCode.InvalidField, "A reply link needs a target address.");
        _replyLinks[replyTo] = replies;
        replies.SafeAddClosed((_, _) => _replyLinks.TryRemove(new KeyValuePair<string, SendingAmqpLink>(replyTo, replies)));
    }

    protected abstract AmqpMessage Handle(AmqpMessage request);

    private void OnRequest(ReceivingAmqpLink link, AmqpMessage request)
    {
        try
        {
            AmqpMessage response;
            try
            {
                response = Handle(request);
            }
            catch (Exception exception) when (exception is AmqpException or InvalidCastException or InvalidOperationException or ArgumentException or NullReferenceException)
            {
                LogRequestFailed(logger, exception, GetType().Name);
                response = Failure(exception);
            }

            response.Properties.CorrelationId = request.Properties?.MessageId;
            if (request.Properties?.ReplyTo?.ToString() is { } replyTo && _replyLinks.TryGetValue(replyTo, out var replies))
            {
                replies.SendMessageNoWait(response, AmqpConstants.EmptyBinary, AmqpConstants.NullBinary);
            }
        }
        finally
        {
            // Requests arrive pre-settled; disposing them still gives the link its credit and the session its window back.
            link.DisposeDelivery(request, true, AmqpConstants.AcceptedOutcome);
            request.Dispose();
        }
    }

    /// <summary>The answer for a request that could not be read or carried out.</summary>
    protected abstract AmqpMessage Failure(Exception exception);

    [LoggerMessage(EventId = 9110, EventName = "BrokerRequestFailed", Level = LogLevel.Warning, Message = "The {Node} node could not answer a request")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string node);
}
