using System.Text.RegularExpressions;
using SfSync.Model;

namespace SfSync.Mapping;

/// <summary>
/// The writable standard fields a map may name, per object, plus any custom field (<c>Something__c</c>).
/// Read-only and system fields (Id, SystemModstamp, Name on Contact, ...) and the relationship we manage
/// ourselves (AccountId) are deliberately absent: mapping them would make every sync fail at write time.
/// </summary>
internal static partial class SalesforceFieldCatalog
{
    private static readonly HashSet<string> AccountFields = new(StringComparer.Ordinal)
    {
        "Name", "Phone", "Fax", "Description", "Website", "Industry", "Type", "AccountNumber", "Site", "Sic",
        "TickerSymbol", "Ownership", "Rating",
        "BillingStreet", "BillingCity", "BillingState", "BillingPostalCode", "BillingCountry",
        "ShippingStreet", "ShippingCity", "ShippingState", "ShippingPostalCode", "ShippingCountry",
    };

    private static readonly HashSet<string> ContactFields = new(StringComparer.Ordinal)
    {
        "FirstName", "LastName", "Salutation", "Email", "Phone", "MobilePhone", "HomePhone", "OtherPhone", "Fax",
        "Title", "Department", "Description", "AssistantName", "AssistantPhone", "LeadSource",
        "MailingStreet", "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry",
        "OtherStreet", "OtherCity", "OtherState", "OtherPostalCode", "OtherCountry",
    };

    public static IReadOnlyCollection<string> StandardFields(EntityKind entity) =>
        entity == EntityKind.Account ? AccountFields : ContactFields;

    public static bool IsKnown(EntityKind entity, string field) =>
        StandardFields(entity).Contains(field) || CustomField().IsMatch(field);

    public static bool IsEmailField(string field) =>
        field.Equals("Email", StringComparison.Ordinal) || field.EndsWith("Email__c", StringComparison.Ordinal);

    // Salesforce custom field API names: a letter, then letters, digits and single underscores, then __c.
    [GeneratedRegex("^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$")]
    private static partial Regex CustomField();
}
