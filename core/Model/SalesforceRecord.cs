namespace SfSync.Model;

/// <summary>The current state of one Salesforce record, as read for reconciling.</summary>
/// <param name="Fields">Mapped field values by Salesforce API name (Name, Phone, FirstName, ...).</param>
/// <param name="ParentId">Contact.AccountId; null for accounts or contacts without an account.</param>
public sealed record SalesforceRecord(
    SalesforceId Id,
    IReadOnlyDictionary<string, string?> Fields,
    SalesforceId? ParentId,
    DateTimeOffset CreatedDate,
    DateTimeOffset SystemModstamp,
    bool IsDeleted = false)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;
}
