using SfSync.Merge;
using SfSync.Model;

namespace SfSync.Linking;

/// <summary>
/// The company name the company-name rule (§5) matches for an app contact about to be created in Salesforce, or none.
/// The rule applies when the contact's customer cannot say which account it belongs to — it has no customer, or one
/// that is not linked (not synced yet, or flagged sync_disabled) — and a linked customer's account always wins. The
/// contact's own company name (the contract's <c>companyName</c>) comes first, as SmartCloud reads the contact's
/// Company; else the name of an unlinked customer that may be synced.
/// </summary>
internal static class ContactCompany
{
    public static string? NameFor(AppRecord contact, AppRecord? customer, bool customerLinked, string customerNameField)
    {
        if (contact.ParentId is not null && customerLinked)
        {
            return null;
        }

        if (!FieldValue.IsBlank(contact.CompanyName))
        {
            return contact.CompanyName!.Trim();
        }

        return customer is { SyncDisabled: false } known && known.Field(customerNameField) is { } name && !FieldValue.IsBlank(name) ? name.Trim() : null;
    }
}
