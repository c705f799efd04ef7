namespace SfSync.Mapping;

/// <summary>
/// One logical field of an entity. It is named by its app field; its Salesforce side is one field or the
/// composite person name. Base values are stored under <see cref="AppField"/>.
/// </summary>
internal sealed class FieldMap
{
    public FieldMap(string salesforce, string appField, FieldComparison comparison)
    {
        AppField = appField;
        Comparison = comparison;
        IsPersonName = salesforce == PersonName.CompositeField;
        SalesforceFields = IsPersonName ? [PersonName.FirstName, PersonName.LastName] : [salesforce];
    }

    public string AppField { get; }

    public FieldComparison Comparison { get; }

    public bool IsPersonName { get; }

    /// <summary>The Salesforce fields this logical field reads and writes.</summary>
    public IReadOnlyList<string> SalesforceFields { get; }

    public string? ReadSalesforce(IReadOnlyDictionary<string, string?> fields) => IsPersonName
        ? PersonName.Join(Get(fields, PersonName.FirstName), Get(fields, PersonName.LastName))
        : Get(fields, SalesforceFields[0]);

    public IEnumerable<KeyValuePair<string, string?>> WriteSalesforce(string? value)
    {
        if (!IsPersonName)
        {
            yield return new(SalesforceFields[0], value);
            yield break;
        }

        var (first, last) = PersonName.Split(value);
        yield return new(PersonName.FirstName, first);
        yield return new(PersonName.LastName, last);
    }

    public override string ToString() => $"{string.Join('+', SalesforceFields)} ⇄ {AppField}";

    private static string? Get(IReadOnlyDictionary<string, string?> fields, string name) =>
        fields.TryGetValue(name, out var value) ? value : null;
}
