namespace SfSync.Reconciling;

/// <summary>What a decision writes to Salesforce.</summary>
internal enum SalesforceAction
{
    None,
    Create,
    Update,
    Delete,
}

/// <summary>What a decision writes to the app.</summary>
internal enum AppAction
{
    None,
    Create,
    Update,

    /// <summary>Write the id of the Salesforce record this round creates into the app record (its salesforce_id).</summary>
    StampSalesforceId,
    Delete,
}
