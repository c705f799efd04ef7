namespace SfSync.SalesforceEmulator.Org;

internal enum FieldType
{
    Id,
    Text,
    Email,
    Reference,
    DateTime,
    Boolean,
}

/// <summary>One field: its type, length, and whether the API may write it.</summary>
internal sealed record FieldDefinition(string Name, FieldType Type, int MaxLength = 255, bool Writable = true, bool Required = false, string? ReferenceTo = null, bool ExternalId = false);

/// <summary>The Account and Contact fields the emulator knows (Salesforce's standard ones the sync uses, plus configured custom fields).</summary>
internal sealed class SObjectSchema
{
    private readonly Dictionary<string, FieldDefinition> _fields;

    private SObjectSchema(string name, string keyPrefix, IEnumerable<FieldDefinition> fields)
    {
        Name = name;
        KeyPrefix = keyPrefix;
        _fields = fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    public string Name { get; }

    public string KeyPrefix { get; }

    public IEnumerable<FieldDefinition> Fields => _fields.Values;

    public FieldDefinition? Field(string name) => _fields.GetValueOrDefault(name);

    public static IReadOnlyDictionary<string, SObjectSchema> Create(IReadOnlyDictionary<string, List<string>> customFields)
    {
        IEnumerable<FieldDefinition> Custom(string sobject) => (customFields.GetValueOrDefault(sobject) ?? [])
            .Select(name => new FieldDefinition(name, FieldType.Text, ExternalId: name.EndsWith("Id__c", StringComparison.OrdinalIgnoreCase)));

        var account = new SObjectSchema("Account", "001", System().Concat(
        [
            new("Name", FieldType.Text, 255, Required: true),
            new("Phone", FieldType.Text, 40), new("Fax", FieldType.Text, 40), new("Description", FieldType.Text, 32_000),
            new("Website", FieldType.Text), new("Industry", FieldType.Text, 40), new("Type", FieldType.Text, 40), new("AccountNumber", FieldType.Text, 40),
            new("Site", FieldType.Text, 80), new("Sic", FieldType.Text, 20), new("TickerSymbol", FieldType.Text, 20), new("Ownership", FieldType.Text, 40), new("Rating", FieldType.Text, 40),
            new("BillingStreet", FieldType.Text), new("BillingCity", FieldType.Text, 40), new("BillingState", FieldType.Text, 80),
            new("BillingPostalCode", FieldType.Text, 20), new("BillingCountry", FieldType.Text, 80),
            new("ShippingStreet", FieldType.Text), new("ShippingCity", FieldType.Text, 40), new("ShippingState", FieldType.Text, 80),
            new("ShippingPostalCode", FieldType.Text, 20), new("ShippingCountry", FieldType.Text, 80),
            new("OwnerId", FieldType.Reference, 18, ReferenceTo: "User"),
        ]).Concat(Custom("Account")));
        var contact = new SObjectSchema("Contact", "003", System().Concat(
        [
            new("FirstName", FieldType.Text, 40), new("LastName", FieldType.Text, 80, Required: true), new("Name", FieldType.Text, 121, Writable: false),
            new("Salutation", FieldType.Text, 40), new("Email", FieldType.Email, 80), new("Phone", FieldType.Text, 40), new("MobilePhone", FieldType.Text, 40),
            new("HomePhone", FieldType.Text, 40), new("OtherPhone", FieldType.Text, 40), new("Fax", FieldType.Text, 40),
            new("Title", FieldType.Text, 128), new("Department", FieldType.Text, 80), new("Description", FieldType.Text, 32_000),
            new("AssistantName", FieldType.Text, 40), new("AssistantPhone", FieldType.Text, 40), new("LeadSource", FieldType.Text, 40),
            new("MailingStreet", FieldType.Text), new("MailingCity", FieldType.Text, 40), new("MailingState", FieldType.Text, 80),
            new("MailingPostalCode", FieldType.Text, 20), new("MailingCountry", FieldType.Text, 80),
            new("OtherStreet", FieldType.Text), new("OtherCity", FieldType.Text, 40), new("OtherState", FieldType.Text, 80),
            new("OtherPostalCode", FieldType.Text, 20), new("OtherCountry", FieldType.Text, 80),
            new("AccountId", FieldType.Reference, 18, ReferenceTo: "Account"),
            new("OwnerId", FieldType.Reference, 18, ReferenceTo: "User"),
        ]).Concat(Custom("Contact")));
        return new Dictionary<string, SObjectSchema>(StringComparer.OrdinalIgnoreCase) { ["Account"] = account, ["Contact"] = contact };
    }

    private static IEnumerable<FieldDefinition> System() =>
    [
        new("Id", FieldType.Id, 18, Writable: false),
        new("IsDeleted", FieldType.Boolean, Writable: false),
        new("CreatedDate", FieldType.DateTime, Writable: false),
        new("CreatedById", FieldType.Reference, 18, Writable: false),
        new("LastModifiedDate", FieldType.DateTime, Writable: false),
        new("LastModifiedById", FieldType.Reference, 18, Writable: false),
        new("SystemModstamp", FieldType.DateTime, Writable: false),
    ];
}
