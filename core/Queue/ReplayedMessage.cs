namespace SfSync.Queue;

/// <summary>One dead-lettered message after a replay: what was done and, for a message left where it was, why.</summary>
/// <param name="Removed">False when it is still in the dead-letter queue (not a batch, or the re-send failed).</param>
internal sealed record ReplayedMessage(long SequenceNumber, string MessageId, string? BatchId, string? RunId, ReplayCase Case, bool Removed, string Detail);
