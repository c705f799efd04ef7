namespace SfSync.Model;

/// <summary>The current state of one Salesforce record, as read for reconciling.</summary>
/// <param name="Fields">Mapped field values by Salesforce API name (Name, Phone, FirstName, ...).</param>
/// <param name="ParentId">Contact.AccountId; null for accounts or contacts without an account.</param>
/// <param name="CreatedByIntegrationUser">CreatedById is the user the sync signs in as (true when the adapter cannot
/// tell): only such a record can be one our own create made.</param>
/// <param name="ExternalAppId">The configured External ID field's value (the app id our upsert stamped), if any.</param>
internal sealed record SalesforceRecord(
    SalesforceId Id,
    IReadOnlyDictionary<string, string?> Fields,
    SalesforceId? ParentId,
    DateTimeOffset CreatedDate,
    DateTimeOffset SystemModstamp,
    bool IsDeleted = false,
    bool CreatedByIntegrationUser = true,
    AppId? ExternalAppId = null)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;
}
