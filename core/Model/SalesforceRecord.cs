namespace SfSync.Model;

/// <summary>The current state of one Salesforce record, as read for reconciling.</summary>
/// <param name="Fields">Mapped field values by Salesforce API name (Name, Phone, FirstName, ...).</param>
/// <param name="ParentId">Contact.AccountId; null for accounts or contacts without an account.</param>
/// <param name="CreatedByIntegrationUser">CreatedById is the user the sync signs in as (true when the adapter cannot
/// tell): only such a record can be one our own create made.</param>
/// <param name="ExternalAppId">The configured External ID field's value (the app id our upsert stamped), if any.</param>
/// <param name="LastModifiedByIntegrationUser">LastModifiedById is the user the sync signs in as (true when the adapter
/// cannot tell). Never used to drop a change — only to know that a newer stamp is a person's save, which brings back a
/// customer deleted in the app even when the save changed no mapped value.</param>
public sealed record SalesforceRecord(
    SalesforceId Id,
    IReadOnlyDictionary<string, string?> Fields,
    SalesforceId? ParentId,
    DateTimeOffset CreatedDate,
    DateTimeOffset SystemModstamp,
    bool IsDeleted = false,
    bool CreatedByIntegrationUser = true,
    AppId? ExternalAppId = null,
    bool LastModifiedByIntegrationUser = true)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;
}
