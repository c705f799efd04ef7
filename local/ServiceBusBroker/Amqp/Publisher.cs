using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Extensions.Logging;
using SfSync.ServiceBusBroker.Queues;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// A sender's link into a queue. Each transfer — one message, or a batch envelope split into its messages — is stored
/// or refused as a whole, and only then settled: <c>Accepted</c>, or <c>Rejected</c> with the error the SDK maps
/// (<c>amqp:resource-limit-exceeded</c> → QuotaExceeded, <c>amqp:link:message-size-exceeded</c> → MessageSizeExceeded).
/// </summary>
internal sealed partial class Publisher(Queue queue, ReceivingAmqpLink link, long maxMessageSize, ILogger logger)
{
    public void Start() => link.RegisterMessageListener(OnMessage);

    private void OnMessage(AmqpMessage transfer)
    {
        try
        {
            link.DisposeMessage(transfer, Store(transfer), settled: true, batchable: false);
        }
        finally
        {
            transfer.Dispose();
        }
    }

    private Outcome Store(AmqpMessage transfer)
    {
        try
        {
            var bytes = MessageReader.BytesOf(transfer);
            if (bytes.LongLength > maxMessageSize)
            {
                return Refused(AmqpErrorCode.MessageSizeExceeded, $"The message is {bytes.Length} bytes; {queue.Name} takes at most {maxMessageSize}.");
            }

            var messages = BatchEnvelope.Split(transfer, bytes).Select(MessageReader.Read).ToList();
            return queue.Send(messages) switch
            {
                SendOutcome.Accepted => AmqpConstants.AcceptedOutcome,
                _ => Refused(AmqpErrorCode.ResourceLimitExceeded, $"Queue {queue.Name} is full ({queue.Options.MaxSizeInMegabytes} MB); nothing of this send was stored."),
            };
        }
        catch (AmqpException exception)
        {
            LogUnreadable(logger, exception, queue.Name);
            return Refused(AmqpErrorCode.DecodeError, exception.Message);
        }
    }

    private static Rejected Refused(AmqpSymbol condition, string description) => new() { Error = new Error { Condition = condition, Description = description } };

    [LoggerMessage(EventId = 9120, EventName = "BrokerSendUnreadable", Level = LogLevel.Warning, Message = "Queue {Queue} refused a send it could not read")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string queue);
}
