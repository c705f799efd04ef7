namespace SfSync.Merge;

/// <summary>
/// The rows of the conflict table (architecture brief §4), one case per row. <c>s</c> is the current
/// Salesforce value, <c>a</c> the current app value, <c>b</c> the base both held after the last sync.
/// </summary>
public enum MergeCase
{
    /// <summary><c>s</c> equals <c>a</c> (both blank included): nothing to write.</summary>
    Identical,

    /// <summary><c>s</c> blank, <c>a</c> not: fill Salesforce with <c>a</c>.</summary>
    FillSalesforce,

    /// <summary><c>a</c> blank, <c>s</c> not: fill the app with <c>s</c>.</summary>
    FillApp,

    /// <summary>Both set and different, base known, <c>s == b</c>: only the app changed, so <c>a</c> goes to Salesforce.</summary>
    AppChanged,

    /// <summary>Both set and different, base known, <c>a == b</c>: only Salesforce changed, so <c>s</c> goes to the app.</summary>
    SalesforceChanged,

    /// <summary>Both set and different, and both changed or no base: a true conflict, Salesforce wins.</summary>
    SalesforceWins,
}
