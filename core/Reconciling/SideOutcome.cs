namespace SfSync.Reconciling;

internal sealed record SideOutcome(OutcomeKind Kind, SyncErrorCode? Code = null, string? Reason = null)
{
    public static SideOutcome Unchanged { get; } = new(OutcomeKind.Unchanged);
    public static SideOutcome Created { get; } = new(OutcomeKind.Created);
    public static SideOutcome Updated { get; } = new(OutcomeKind.Updated);
    public static SideOutcome Deleted { get; } = new(OutcomeKind.Deleted);

    public static SideOutcome Skipped(SyncErrorCode code, string reason) => new(OutcomeKind.Skipped, code, reason);

    public static SideOutcome Failed(SyncErrorCode code, string reason) => new(OutcomeKind.Failed, code, reason);

    public override string ToString() => Code is null ? Kind.ToString() : $"{Kind}({Code})";
}
