namespace SfSync.Mapping;

/// <summary>One configured field pair, e.g. <c>{ "Salesforce": "Phone", "App": "phone_number" }</c>.</summary>
internal sealed class FieldMapOptions
{
    /// <summary>A Salesforce field API name, or <c>FirstName+LastName</c> for the composite person name.</summary>
    public string Salesforce { get; set; } = "";

    public string App { get; set; } = "";

    /// <summary>Defaults to <see cref="FieldComparison.Email"/> for Salesforce e-mail fields, else text.</summary>
    public FieldComparison? Comparison { get; set; }
}
