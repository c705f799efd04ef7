namespace SfSync.Reconciling;

/// <summary>Per-side totals of a batch or a run (the History grid's columns).</summary>
internal sealed record SideCounts(int Created = 0, int Updated = 0, int Deleted = 0, int Unchanged = 0, int Skipped = 0, int Failed = 0)
{
    public static SideCounts Zero { get; } = new();

    public SideCounts Add(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Created => this with { Created = Created + 1 },
        OutcomeKind.Updated => this with { Updated = Updated + 1 },
        OutcomeKind.Deleted => this with { Deleted = Deleted + 1 },
        OutcomeKind.Unchanged => this with { Unchanged = Unchanged + 1 },
        OutcomeKind.Skipped => this with { Skipped = Skipped + 1 },
        OutcomeKind.Failed => this with { Failed = Failed + 1 },
        _ => this,
    };

    public SideCounts Add(SideCounts other) => new(
        Created + other.Created,
        Updated + other.Updated,
        Deleted + other.Deleted,
        Unchanged + other.Unchanged,
        Skipped + other.Skipped,
        Failed + other.Failed);

    public int Writes => Created + Updated + Deleted;
}
