using SfSync.Model;

namespace SfSync.Queue;

/// <summary>
/// One message in the dead-letter queue as an operator sees it. The batch fields come from the message's application
/// properties, so a message whose body is not a batch still shows what it claimed to be.
/// </summary>
public sealed record DeadLetteredBatch(
    long SequenceNumber,
    string MessageId,
    string? BatchId,
    string? PlanId,
    string? RunId,
    EntityKind? Entity,
    int? Attempt,
    int DeliveryCount,
    string? Reason,
    string? Description,
    DateTimeOffset EnqueuedAt,
    string Body);
