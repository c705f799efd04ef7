using SfSync.Mapping;

namespace SfSync.Merge;

/// <summary>The per-field three-way merge of the architecture brief §4.</summary>
internal static class FieldMerge
{
    /// <param name="salesforce">Current Salesforce value <c>s</c>.</param>
    /// <param name="app">Current app value <c>a</c>.</param>
    /// <param name="baseValue">Last-synced value <c>b</c>; only meaningful when <paramref name="hasBase"/>.</param>
    /// <param name="hasBase">False for a record (or a newly mapped field) that was never synced.</param>
    public static FieldDecision Decide(string? salesforce, string? app, string? baseValue, bool hasBase, FieldComparison comparison)
    {
        var s = FieldValue.Normalize(salesforce);
        var a = FieldValue.Normalize(app);

        if (FieldValue.AreEqual(s, a, comparison))
        {
            return new(MergeCase.Identical, s);
        }

        if (s is null)
        {
            return new(MergeCase.FillSalesforce, a);
        }

        if (a is null)
        {
            return new(MergeCase.FillApp, s);
        }

        if (hasBase && FieldValue.AreEqual(s, baseValue, comparison))
        {
            return new(MergeCase.AppChanged, a);
        }

        if (hasBase && FieldValue.AreEqual(a, baseValue, comparison))
        {
            return new(MergeCase.SalesforceChanged, s);
        }

        return new(MergeCase.SalesforceWins, s);
    }
}
