namespace SfSync.Runs;

/// <summary>
/// A sync-batches message that is not a batch: recorded as a failed run of its own (trigger Message) with the reason,
/// so an operator finds it in the run history, and then completed — redelivering it would fail the same way.
/// </summary>
internal sealed class RejectedMessage(RunLedger ledger, TimeProvider time)
{
    /// <returns>The reason recorded, for the invocation's log.</returns>
    public async Task<string> RecordAsync(string? messageId, string? deliveryCount, string error, CancellationToken cancellationToken = default)
    {
        var runId = "rejected-" + RunId.New(time);
        var reason = $"Message {messageId ?? "?"} (delivery {deliveryCount ?? "?"}) was not processed: {error}";
        await ledger.StartAsync(runId, RunTrigger.Message, cancellationToken).ConfigureAwait(false);
        await ledger.EndAsync(runId, RunStatus.Failed, reason, cancellationToken).ConfigureAwait(false);
        return reason;
    }
}
