using System.Globalization;
using System.Text.Json;
using SfSync.Functions.Invocation;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.Telemetry;

namespace SfSync.Functions;

/// <summary>
/// The sync-batches trigger (<c>cardinality: many</c>): the messages of one invocation are applied together, so their
/// Salesforce reads and writes share Composite requests. Each message is still its own batch: its own outcomes,
/// deferral (scheduled on the queue for its next attempt; Service Bus would redeliver at once and dead-letter within
/// seconds) and idempotency. A message that is not a batch is recorded in the run history with its reason and
/// completed. Only an unexpected failure fails the invocation: the host then redelivers all of its messages, and those
/// already applied answer from the outbox without touching either side.
/// </summary>
internal sealed class ApplyBatch(BatchApplier applier, RejectedMessage rejected, ILogger<ApplyBatch> logger) : IFunction
{
    public string Name => nameof(ApplyBatch);

    public async Task RunAsync(InvocationRequest request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var delivered = await applier.ApplyTogetherAsync(Messages(request), cancellationToken);
        foreach (var message in delivered)
        {
            response.Logs.Add(await DescribeAsync(message, cancellationToken));
        }

        if (delivered.FirstOrDefault(d => d.Failure is not null) is { } failed)
        {
            throw new InvalidOperationException($"{delivered.Count(d => d.Failure is not null)} of {delivered.Count} messages failed; the first, {failed.MessageId}: {failed.Failure!.Message}", failed.Failure);
        }
    }

    /// <summary>The invocation's messages: arrays under <c>cardinality: many</c>, one message under <c>one</c>.</summary>
    private static List<DeliveredBatch> Messages(InvocationRequest request)
    {
        var bodies = request.MetadataArray("MessageId") is not null ? request.DataArray(Bindings.Message) ?? [] : [request.DataScalar(Bindings.Message)];
        var ids = request.MetadataArray("MessageId") ?? [request.MetadataScalar("MessageId")];
        var deliveries = request.MetadataArray("DeliveryCount") ?? [request.MetadataScalar("DeliveryCount")];
        var properties = request.MetadataArray("ApplicationProperties")
            ?? [request.Metadata.TryGetValue("ApplicationProperties", out var single) ? single.GetRawText() : null];
        return bodies.Select((body, i) =>
        {
            var id = i < ids.Count ? ids[i] ?? "?" : "?";
            var delivery = i < deliveries.Count && int.TryParse(deliveries[i], CultureInfo.InvariantCulture, out var count) ? count : 0;
            var delivered = SyncBatchMessage.TryParse(body, out var batch, out var error)
                ? new DeliveredBatch(id, delivery, batch, null, null, null)
                : new DeliveredBatch(id, delivery, null, error, null, null);
            return delivered with { TraceParent = TraceContext.ParentOf(name => Property(i < properties.Count ? properties[i] : null, name)) };
        }).ToList();
    }

    /// <summary>One application property of a message, from the properties object as JSON text (or that text encoded once more).</summary>
    private static string? Property(string? json, string name)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                return Property(root.GetString(), name);
            }

            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) ? InvocationRequest.Scalar(value) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<string> DescribeAsync(DeliveredBatch message, CancellationToken cancellationToken)
    {
        var delivery = message.DeliveryCount > 0 ? message.DeliveryCount.ToString(CultureInfo.InvariantCulture) : "?";
        if (message.Batch is not { } batch)
        {
            return "Error: " + await rejected.RecordAsync(message.MessageId, delivery, message.NotABatch!, cancellationToken);
        }

        var where = $"Batch {batch.BatchId} of run {batch.RunId} (message {message.MessageId}, delivery {delivery})";
        if (message.Failure is { } failure)
        {
            return $"Error: {where} failed: {failure.Message}";
        }

        var result = message.Result!;
        using (logger.BeginScope(Dimensions.Of(batch)))
        {
            ApplyBatchLog.Records(logger, result);
        }

        return result.Status switch
        {
            BatchApplyStatus.Applied => $"{where}: Salesforce {Counts(result.Summary.Salesforce)}; app {Counts(result.Summary.App)}; {result.Summary.Conflicts} conflicts, {result.Summary.BlanksFilled} blanks filled.",
            BatchApplyStatus.AlreadyApplied => $"{where} was already applied.",
            _ => $"{where} deferred and scheduled on the queue for {result.NextAttemptAt:u}: {result.Reason}",
        };
    }

    private static string Counts(SideCounts c) => $"{c.Created} created, {c.Updated} updated, {c.Deleted} deleted, {c.Unchanged} unchanged, {c.Failed} failed";
}
