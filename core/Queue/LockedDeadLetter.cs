namespace SfSync.Queue;

/// <summary>A dead-lettered message locked for a replay; <paramref name="Handle"/> is the adapter's own (the received message).</summary>
internal sealed record LockedDeadLetter(DeadLetteredBatch Message, object Handle);
