using System.Diagnostics;
using SfSync.Functions.Invocation;
using SfSync.Functions.Telemetry;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Telemetry;

namespace SfSync.Functions;

/// <summary>
/// One sync-batches message: apply the batch. Always answers 200 so Service Bus completes the message: an unavailable
/// side defers the batch, scheduled on the queue for its next attempt (Service Bus would redeliver at once and
/// dead-letter within seconds), and a message that is not a batch is recorded in the run history with its reason.
/// </summary>
internal sealed class ApplyBatch(BatchApplier applier, RunLedger ledger, TimeProvider time, ILogger<ApplyBatch> logger) : IFunction
{
    public string Name => nameof(ApplyBatch);

    public async Task RunAsync(InvocationRequest request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var body = request.DataScalar(Bindings.Message);
        if (!SyncBatchMessage.TryParse(body, out var batch, out var error))
        {
            var runId = "rejected-" + RunId.New(time);
            var messageId = request.MetadataScalar("MessageId") ?? "?";
            var reason = $"Message {messageId} (delivery {request.MetadataScalar("DeliveryCount") ?? "?"}) was not processed: {error}";
            await ledger.StartAsync(runId, RunTrigger.Message, cancellationToken);
            await ledger.EndAsync(runId, RunStatus.Failed, reason, cancellationToken);
            response.Logs.Add("Error: " + reason);
            return;
        }

        using var scope = logger.BeginScope(Dimensions.Of(batch!));
        Span.Tag(Dimensions.Of(batch!));
        var started = Stopwatch.GetTimestamp();
        var result = await applier.ApplyAsync(batch!, cancellationToken);
        SyncMetrics.Batch(batch!, result, Stopwatch.GetElapsedTime(started));
        ApplyBatchLog.Records(logger, result);
        Activity.Current?.SetTag(Dimensions.Outcome, result.Status.ToString());
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
