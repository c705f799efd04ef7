namespace SfSync.State;

/// <summary>Where a link between a Salesforce record and an app record stands.</summary>
internal enum LinkState
{
    /// <summary>Both records exist and are kept in step.</summary>
    Active,

    /// <summary>A create in Salesforce was started for the app record; on retry we look before creating again.</summary>
    PendingCreateInSalesforce,

    /// <summary>A create in the app was started for the Salesforce record; on retry we look before creating again.</summary>
    PendingCreateInApp,

    /// <summary>The app record was deleted and the deletion policy kept the Salesforce record; re-created when it changes.</summary>
    DeletedInApp,

    /// <summary>The Salesforce record was deleted and the policy kept the app record; re-created when it changes.</summary>
    DeletedInSalesforce,
}
