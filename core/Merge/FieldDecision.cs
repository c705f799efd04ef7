namespace SfSync.Merge;

/// <summary>The outcome of merging one field: which row of the table applied and the agreed value.</summary>
internal readonly record struct FieldDecision(MergeCase Case, string? Value)
{
    public bool WritesSalesforce => Case is MergeCase.FillSalesforce or MergeCase.AppChanged;

    public bool WritesApp => Case is MergeCase.FillApp or MergeCase.SalesforceChanged or MergeCase.SalesforceWins;

    public bool FillsBlank => Case is MergeCase.FillSalesforce or MergeCase.FillApp;
}
