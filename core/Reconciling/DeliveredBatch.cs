using System.Diagnostics;

namespace SfSync.Reconciling;

/// <summary>
/// One message of a trigger invocation that carried several: its batch (or why it is not one), the trace its sender
/// started (so a run stays one trace through every batch), and what applying it did. <see cref="Failure"/> is an
/// unexpected exception of this message alone; the others of the invocation were applied regardless.
/// </summary>
internal sealed record DeliveredBatch(string MessageId, int DeliveryCount, SyncBatch? Batch, string? NotABatch, BatchApplyResult? Result, Exception? Failure)
{
    public ActivityContext TraceParent { get; init; }
}
