namespace SfSync.Reconciling;

/// <summary>Totals of one applied batch.</summary>
public sealed record BatchSummary(SideCounts Salesforce, SideCounts App, int Conflicts, int BlanksFilled, IReadOnlyList<string> Errors)
{
    public static BatchSummary Empty { get; } = new(SideCounts.Zero, SideCounts.Zero, 0, 0, []);

    /// <summary>At most this many distinct error lines are kept per batch and per run, so history rows stay small.</summary>
    public const int MaxErrors = 20;

    public static BatchSummary Of(IReadOnlyList<RecordOutcome> outcomes)
    {
        var salesforce = SideCounts.Zero;
        var app = SideCounts.Zero;
        var errors = new List<string>();
        foreach (var outcome in outcomes)
        {
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

        return new BatchSummary(salesforce, app, outcomes.Sum(o => o.Conflicts.Count), outcomes.Sum(o => o.BlanksFilled), errors);
    }

    public BatchSummary Add(BatchSummary other) => new(
        Salesforce.Add(other.Salesforce),
        App.Add(other.App),
        Conflicts + other.Conflicts,
        BlanksFilled + other.BlanksFilled,
        Errors.Concat(other.Errors).Distinct(StringComparer.Ordinal).Take(MaxErrors).ToArray());
}
