using System.Globalization;
using Azure.Messaging.ServiceBus;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Reconciling;

namespace SfSync.Queue.ServiceBus;

/// <summary>
/// A batch as a Service Bus message: the JSON body the trigger hands to ApplyBatch, a MessageId for duplicate detection,
/// and what Service Bus Explorer in the portal shows of it (Subject = entity, application properties).
/// </summary>
internal static class BatchMessages
{
    public const string RunId = "runId";
    public const string PlanId = "planId";
    public const string BatchId = "batchId";
    public const string Entity = "entity";
    public const string Attempt = "attempt";

    public static ServiceBusMessage ToMessage(SyncBatch batch) => Telemetry.TraceContext.Stamped(new ServiceBusMessage(SyncBatchMessage.Serialize(batch))
    {
        MessageId = BatchMessageId.For(batch),
        Subject = batch.Entity.ToString(),
        ContentType = "application/json",
        ApplicationProperties =
        {
            [RunId] = batch.RunId,
            [PlanId] = batch.PlanId,
            [BatchId] = batch.BatchId,
            [Entity] = batch.Entity.ToString(),
            [Attempt] = batch.Attempt,
        },
    });

    public static DeadLetteredBatch ToDeadLetter(ServiceBusReceivedMessage message)
    {
        var properties = message.ApplicationProperties;
        string? Text(string key) => properties.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
        return new DeadLetteredBatch(
            message.SequenceNumber,
            message.MessageId ?? "",
            Text(BatchId),
            Text(PlanId),
            Text(RunId),
            EntityKindNames.TryParse(Text(Entity) ?? message.Subject, out var entity) ? entity : null,
            int.TryParse(Text(Attempt), NumberStyles.Integer, CultureInfo.InvariantCulture, out var attempt) ? attempt : null,
            message.DeliveryCount,
            message.DeadLetterReason,
            message.DeadLetterErrorDescription,
            message.EnqueuedTime.ToUniversalTime(),
            message.Body.ToString());
    }
}
