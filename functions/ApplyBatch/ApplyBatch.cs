using SfSync.Functions.Invocation;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;

namespace SfSync.Functions;

/// <summary>
/// One sync-batches message: apply the batch. Always answers 200 so Service Bus completes the message: an unavailable
/// side defers the batch, scheduled on the queue for its next attempt (Service Bus would redeliver at once and
/// dead-letter within seconds), and a message that is not a batch is recorded in the run history with its reason.
/// </summary>
internal sealed class ApplyBatch(BatchApplier applier, RejectedMessage rejected) : IFunction
{
    public string Name => nameof(ApplyBatch);

    public async Task RunAsync(InvocationRequest request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var body = request.DataScalar(Bindings.Message);
        if (!SyncBatchMessage.TryParse(body, out var batch, out var error))
        {
            var reason = await rejected.RecordAsync(request.MetadataScalar("MessageId"), request.MetadataScalar("DeliveryCount"), error!, cancellationToken);
            response.Logs.Add("Error: " + reason);
            return;
        }

        var result = await applier.ApplyAsync(batch!, cancellationToken);
        var delivery = $"message {request.MetadataScalar("MessageId") ?? "?"}, delivery {request.MetadataScalar("DeliveryCount") ?? "?"}";
        response.Logs.Add(result.Status switch
        {
            BatchApplyStatus.Applied => $"Batch {batch!.BatchId} of run {batch.RunId} ({delivery}): Salesforce {Counts(result.Summary.Salesforce)}; app {Counts(result.Summary.App)}; {result.Summary.Conflicts} conflicts, {result.Summary.BlanksFilled} blanks filled.",
            BatchApplyStatus.AlreadyApplied => $"Batch {batch!.BatchId} of run {batch.RunId} ({delivery}) was already applied.",
            _ => $"Batch {batch!.BatchId} of run {batch.RunId} ({delivery}) deferred and scheduled on the queue for {result.NextAttemptAt:u}: {result.Reason}",
        });
    }

    private static string Counts(SideCounts c) => $"{c.Created} created, {c.Updated} updated, {c.Deleted} deleted, {c.Unchanged} unchanged, {c.Failed} failed";
}
