namespace SfSync.Linking;

/// <summary>
/// What happens to the other Salesforce contacts that share an e-mail with the one linked (the earliest created), bound
/// from <c>Sync:Duplicates</c>. Lead Liaison leaves this to "the duplicate management settings in your account".
/// </summary>
internal enum DuplicateHandling
{
    /// <summary>Link the earliest; the others stay unsynced and are reported (record status, run, GET /api/sync/duplicates).</summary>
    Report,

    /// <summary>Link the earliest and copy the others into the app as contacts of their own (reported on the run too).</summary>
    Copy,
}
