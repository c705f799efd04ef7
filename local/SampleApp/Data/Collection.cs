namespace SfSync.SampleApp.Data;

/// <summary>A collection of the sync contract and the columns the sample app stores it in.</summary>
internal sealed record Collection(string Name, string Table, IReadOnlyList<string> Fields, bool HasCustomer)
{
    public static readonly Collection Customers = new(
        "customers", "customers", ["name", "phone_number", "description", "fax_number", "street", "city", "state", "zip_code", "country"], HasCustomer: false);

    public static readonly Collection Contacts = new("contacts", "contacts", ["name", "email"], HasCustomer: true);

    public static bool TryGet(string? name, out Collection collection)
    {
        collection = name switch
        {
            "customers" => Customers,
            "contacts" => Contacts,
            _ => null!,
        };
        return collection is not null;
    }

    /// <summary>Longest value per field; like Salesforce's limits, so what the app accepts Salesforce accepts too.</summary>
    public static int MaxLength(string field) => field switch
    {
        "description" => 32_000,
        "email" => 80,
        "name" or "street" => 255,
        "phone_number" or "fax_number" => 40,
        "zip_code" => 20,
        _ => 255,
    };
}
