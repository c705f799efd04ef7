using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Extensions.Logging;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// <c>$cbs</c>: the SDK puts a SAS token (<c>servicebus.windows.net:sastoken</c>) here before every sender, receiver
/// and management link and again on a refresh timer. A token signed with the broker's key is accepted (200); any
/// other is refused (401), which the SDK surfaces as <c>UnauthorizedAccessException</c>. The answer's
/// <c>status-code</c> must be an int: the library casts it unconditionally.
/// </summary>
internal sealed partial class CbsNode(SharedAccessSignature signature, TimeProvider time, ILogger logger) : RequestResponseNode(logger)
{
    private readonly ILogger _logger = logger;

    protected override AmqpMessage Handle(AmqpMessage request)
    {
        var properties = request.ApplicationProperties?.Map;
        var operation = properties?["operation"] as string;
        if (operation != "put-token")
        {
            return Answer(400, $"The $cbs node does not know the operation '{operation}'.");
        }

        var audience = properties!["name"] as string;
        if (!signature.IsValid(request.ValueBody?.Value as string, time.GetUtcNow()))
        {
            LogTokenRefused(_logger, audience);
            return Answer(401, "The token is not signed with this broker's key, or it expired.");
        }

        return Answer(200, "OK");
    }

    protected override AmqpMessage Failure(Exception exception) => Answer(400, exception.Message);

    private static AmqpMessage Answer(int status, string description)
    {
        var response = AmqpMessage.Create(new AmqpValue { Value = description });
        response.ApplicationProperties = new ApplicationProperties();
        response.ApplicationProperties.Map["status-code"] = status;
        response.ApplicationProperties.Map["status-description"] = description;
        return response;
    }

    [LoggerMessage(EventId = 9111, EventName = "BrokerTokenRefused", Level = LogLevel.Warning, Message = "Refused a CBS token for {Audience}")]
    private static partial void LogTokenRefused(ILogger logger, string? audience);
}
