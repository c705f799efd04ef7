namespace SfSync.Model;

/// <summary>The current state of one app record (customer or contact), as read for reconciling.</summary>
/// <param name="Fields">Mapped field values by app field name (name, phone_number, email, ...).</param>
/// <param name="SalesforceId">The app's own copy of the link (its SF_Id), set by us or by a pre-link.</param>
/// <param name="ParentId">A contact's customer_id.</param>
/// <param name="Version">The app's change-feed sequence of this version; lets the planner skip our own echoes.</param>
/// <param name="Deleted">A tombstone, returned only when asked for: the record as it was when deleted.</param>
/// <param name="CompanyName">A contact's company as the app knows it (the contract's optional <c>companyName</c>): the
/// company-name rule picks its account in Salesforce when it has no linked customer. Read only, never written.</param>
internal sealed record AppRecord(
    AppId Id,
    IReadOnlyDictionary<string, string?> Fields,
    SalesforceId? SalesforceId,
    AppId? ParentId,
    bool SyncDisabled,
    DateTimeOffset CreatedAt,
    long Version = 0,
    bool Deleted = false,
    string? CompanyName = null)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;
}
