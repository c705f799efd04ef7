using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Extensions.Logging;
using SfSync.ServiceBusBroker.Queues;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// <c>&lt;queue&gt;/$management</c> (and <c>&lt;queue&gt;/$DeadLetterQueue/$management</c>): the operations the SDK sends
/// as requests rather than as link traffic. The request body is an AmqpValue map; the answer carries
/// <c>statusCode</c> (an int — spelled differently from CBS's <c>status-code</c>), <c>statusDescription</c>, an
/// <c>errorCondition</c> symbol on failure, and an AmqpValue map.
/// </summary>
internal sealed class ManagementNode(Queue queue, SubQueue subQueue, ILogger logger) : RequestResponseNode(logger)
{
    private static readonly MapKey Messages = new("messages");
    private static readonly MapKey Message = new("message");
    private static readonly MapKey SequenceNumbers = new("sequence-numbers");
    private static readonly MapKey LockTokens = new("lock-tokens");
    private static readonly MapKey Expirations = new("expirations");
    private static readonly MapKey FromSequenceNumber = new("from-sequence-number");
    private static readonly MapKey MessageCount = new("message-count");
    private static readonly MapKey DispositionStatus = new("disposition-status");
    private static readonly MapKey DeadLetterReason = new("deadletter-reason");
    private static readonly MapKey DeadLetterDescription = new("deadletter-description");
    private static readonly MapKey PropertiesToModify = new("properties-to-modify");

    private const string LockLost = "com.microsoft:message-lock-lost";

    protected override AmqpMessage Handle(AmqpMessage request)
    {
        var operation = request.ApplicationProperties?.Map["operation"] as string;
        var body = request.ValueBody?.Value as AmqpMap ?? new AmqpMap();
        return operation switch
        {
            "com.microsoft:schedule-message" when subQueue == SubQueue.Active => Schedule(body),
            "com.microsoft:cancel-scheduled-message" when subQueue == SubQueue.Active => Cancel(body),
            "com.microsoft:renew-lock" => RenewLock(body),
            "com.microsoft:peek-message" => Peek(body),
            "com.microsoft:update-disposition" => UpdateDisposition(body),
            _ => Answer(501, condition: "amqp:not-implemented", description: $"The local broker does not implement '{operation}' on {queue.Name}."),
        };
    }

    protected override AmqpMessage Failure(Exception exception) => Answer(400, condition: "com.microsoft:argument-error", description: exception.Message);

    private AmqpMessage Schedule(AmqpMap body)
    {
        var messages = ((IEnumerable<object>)body[Messages])
            .Cast<AmqpMap>()
            .Select(entry => MessageReader.Read(((ArraySegment<byte>)entry[Message]).ToArray()))
            .ToList();
        if (queue.Schedule(messages, out var sequenceNumbers) == SendOutcome.QuotaExceeded)
        {
            return Answer(403, condition: "amqp:resource-limit-exceeded", description: $"Queue {queue.Name} is full.");
        }

        return Answer(200, new AmqpMap { [SequenceNumbers] = sequenceNumbers.ToArray() });
    }

    private AmqpMessage Cancel(AmqpMap body)
    {
        queue.CancelScheduled((long[])body[SequenceNumbers]);
        return Answer(200);
    }

    private AmqpMessage RenewLock(AmqpMap body)
    {
        var tokens = ((Guid[])body[LockTokens]).Select(g => new LockToken(g)).ToList();
        if (queue.RenewLocks(tokens) is not { } lockedUntil)
        {
            return Answer(410, condition: LockLost, description: "The lock on the message is lost: it expired, or the message was settled.");
        }

        return Answer(200, new AmqpMap { [Expirations] = lockedUntil.Select(t => t.UtcDateTime).ToArray() });
    }

    private AmqpMessage Peek(AmqpMap body)
    {
        var from = Convert.ToInt64(body[FromSequenceNumber], System.Globalization.CultureInfo.InvariantCulture);
        var count = Convert.ToInt32(body[MessageCount], System.Globalization.CultureInfo.InvariantCulture);
        var peeked = queue.Peek(subQueue, from, count);
        if (peeked.Count == 0)
        {
            return Answer(204);
        }

        var messages = peeked.Select(p => (object)new AmqpMap { [Message] = DeliveryEncoder.ToBytes(p) }).ToList();
        return Answer(200, new AmqpMap { [Messages] = messages });
    }

    /// <summary>The SDK settles here when the receive link it got a message on has gone (or for deferred messages).</summary>
    private AmqpMessage UpdateDisposition(AmqpMap body)
    {
        var settlement = (body[DispositionStatus] as string) switch
        {
            "completed" => Settlement.Complete,
            "abandoned" => Settlement.Abandon,
            "suspended" => Settlement.DeadLetter,
            var other => throw new AmqpException(AmqpErrorCode.NotImplemented, $"The local broker does not implement the disposition '{other}'."),
        };
        var deadLetter = new DeadLetterRequest(body[DeadLetterReason] as string, body[DeadLetterDescription] as string);
        var properties = (body[PropertiesToModify] as AmqpMap)?.ToDictionary(p => p.Key.Key.ToString()!, p => p.Value);
        var settledAll = true;
        foreach (var token in (Guid[])body[LockTokens])
        {
            settledAll &= queue.Settle(new LockToken(token), settlement, deadLetter, properties);
        }

        return settledAll ? Answer(200) : Answer(410, condition: LockLost, description: "The lock on the message is lost.");
    }

    private static AmqpMessage Answer(int status, AmqpMap? body = null, string? condition = null, string? description = null)
    {
        // Always an AmqpValue body: the SDK's response reader looks at it for every operation.
        var response = AmqpMessage.Create(new AmqpValue { Value = body ?? new AmqpMap() });
        response.ApplicationProperties = new ApplicationProperties();
        response.ApplicationProperties.Map["statusCode"] = status;
        response.ApplicationProperties.Map["statusDescription"] = description ?? (status < 300 ? "OK" : "Failed");
        if (condition is not null)
        {
            response.ApplicationProperties.Map["errorCondition"] = new AmqpSymbol(condition);
        }

        return response;
    }
}
