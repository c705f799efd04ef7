namespace SfSync.Reconciling;

/// <summary>Totals of one applied batch.</summary>
/// <param name="Duplicates">Records reported as duplicates (a Salesforce contact sharing the e-mail of the one synced,
/// linked or not); each also has a line in <paramref name="Errors"/>.</param>
/// <param name="OutOfScope">Records skipped as outside their entity's scope (counted among the skipped of both sides too).</param>
internal sealed record BatchSummary(SideCounts Salesforce, SideCounts App, int Conflicts, int BlanksFilled, IReadOnlyList<string> Errors, int Duplicates = 0, int OutOfScope = 0)
{
    public static BatchSummary Empty { get; } = new(SideCounts.Zero, SideCounts.Zero, 0, 0, []);

    /// <summary>At most this many distinct error lines are kept per batch and per run, so history rows stay small.</summary>
    public const int MaxErrors = 20;

    public static BatchSummary Of(IReadOnlyList<RecordOutcome> outcomes)
    {
        var salesforce = SideCounts.Zero;
        var app = SideCounts.Zero;
        var errors = new List<string>();
        var duplicates = 0;
        foreach (var outcome in outcomes)
        {
            if (DuplicateLine(outcome) is { } line)
            {
                duplicates++;
                if (errors.Count < MaxErrors)
                {
                    errors.Add(line);
                }
            }

            salesforce = salesforce.Add(outcome.Salesforce.Kind);
            app = app.Add(outcome.App.Kind);
            foreach (var side in new[] { outcome.Salesforce, outcome.App })
            {
                if (side.Kind == OutcomeKind.Failed && errors.Count < MaxErrors)
                {
                    errors.Add($"{outcome.Entity} {outcome.SalesforceId?.Value ?? outcome.AppId?.Value}: {side.Code}: {side.Reason}");
                }
            }
        }

        var outOfScope = outcomes.Count(o => o.Salesforce.Code == SyncErrorCode.OutOfScope || o.App.Code == SyncErrorCode.OutOfScope);
        return new BatchSummary(salesforce, app, outcomes.Sum(o => o.Conflicts.Count), outcomes.Sum(o => o.BlanksFilled), errors, duplicates, outOfScope);
    }

    /// <summary>The run's line for a record reported as a duplicate (skipped, or copied with a warning), else null.</summary>
    private static string? DuplicateLine(RecordOutcome outcome)
    {
        var id = outcome.SalesforceId?.Value ?? outcome.AppId?.Value;
        var skipped = new[] { outcome.Salesforce, outcome.App }.FirstOrDefault(s => s.Kind == OutcomeKind.Skipped && s.Code == SyncErrorCode.DuplicateEmail);
        return skipped is not null ? $"{outcome.Entity} {id}: {skipped.Reason}"
            : outcome.Warning?.StartsWith(SyncErrorCode.DuplicateEmail.Value + ":", StringComparison.Ordinal) == true ? $"{outcome.Entity} {id}: {outcome.Warning}"
            : null;
    }

    public BatchSummary Add(BatchSummary other) => new(
        Salesforce.Add(other.Salesforce),
        App.Add(other.App),
        Conflicts + other.Conflicts,
        BlanksFilled + other.BlanksFilled,
        Errors.Concat(other.Errors).Distinct(StringComparer.Ordinal).Take(MaxErrors).ToArray(),
        Duplicates + other.Duplicates,
        OutOfScope + other.OutOfScope);
}
