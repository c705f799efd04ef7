namespace SfSync.Queue;

/// <summary>The dead-letter queue's depth and its newest messages, newest first.</summary>
/// <param name="Depth">Messages counted by peeking; when <paramref name="DepthIsLowerBound"/> the scan stopped at its limit.</param>
public sealed record DeadLetterListing(int Depth, bool DepthIsLowerBound, IReadOnlyList<DeadLetteredBatch> Latest);
