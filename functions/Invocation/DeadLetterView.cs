using SfSync.Queue;

namespace SfSync.Functions.Invocation;

/// <summary>The dead-letter queue as the HTTP API and health show it.</summary>
internal static class DeadLetterView
{
    public static object From(DeadLetterListing listing) => new
    {
        depth = listing.Depth,
        depthIsLowerBound = listing.DepthIsLowerBound,
        messages = listing.Latest.Select(m => new
        {
            sequenceNumber = m.SequenceNumber,
            messageId = m.MessageId,
            batchId = m.BatchId,
            planId = m.PlanId,
            runId = m.RunId,
            entity = m.Entity?.ToString(),
            attempt = m.Attempt,
            deliveryCount = m.DeliveryCount,
            reason = m.Reason,
            description = m.Description,
            enqueuedAt = m.EnqueuedAt,
        }),
    };
}
