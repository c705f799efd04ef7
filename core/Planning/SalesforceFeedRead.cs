using SfSync.Salesforce;

namespace SfSync.Planning;

/// <summary>One run's read of an entity's Salesforce change feed.</summary>
/// <param name="ReadAt">The org's time when the read was sent (null when unknown).</param>
/// <param name="LateWindowRead">False when the late-commit window had more pages than the run read (MaxKeysPerRun):
/// its settled point must then stay where it was.</param>
/// <param name="LateRows">People's records the late-commit window returned.</param>
/// <param name="Committed">What the org said of the first call: every record stamped before it was committed, so that
/// call's queries saw it (null when the org did not say).</param>
internal sealed record SalesforceFeedRead(IReadOnlyList<SalesforceChange> Changes, DateTimeOffset? ReadAt, bool LateWindowRead, int LateRows, DateTimeOffset? Committed = null);
