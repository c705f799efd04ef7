namespace SfSync.Mapping;

/// <summary>
/// The field map, bound from <c>Sync:Mappings</c>. A list that is not configured takes the default map of the
/// architecture brief; a configured list replaces it whole, so users can drop fields as well as add them.
/// </summary>
internal sealed class MappingOptions
{
    public const string Section = "Sync:Mappings";

    public List<FieldMapOptions>? Account { get; set; }

    public List<FieldMapOptions>? Contact { get; set; }

    public static IReadOnlyList<FieldMapOptions> DefaultAccount { get; } =
    [
        new() { Salesforce = "Name", App = "name" },
        new() { Salesforce = "Phone", App = "phone_number" },
        new() { Salesforce = "Description", App = "description" },
        new() { Salesforce = "Fax", App = "fax_number" },
        new() { Salesforce = "BillingStreet", App = "street" },
        new() { Salesforce = "BillingCity", App = "city" },
        new() { Salesforce = "BillingState", App = "state" },
        new() { Salesforce = "BillingPostalCode", App = "zip_code" },
        new() { Salesforce = "BillingCountry", App = "country" },
    ];

    public static IReadOnlyList<FieldMapOptions> DefaultContact { get; } =
    [
        new() { Salesforce = PersonName.CompositeField, App = "name" },
        new() { Salesforce = "Email", App = "email" },
    ];
}
