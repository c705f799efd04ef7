using SfSync.Model;

namespace SfSync.Mapping;

/// <summary>The validated field map of one entity.</summary>
internal sealed class EntityMap
{
    public EntityMap(EntityKind entity, IReadOnlyList<FieldMap> fields)
    {
        Entity = entity;
        Fields = fields;
        SalesforceFields = fields.SelectMany(f => f.SalesforceFields).ToArray();
        AppFields = fields.Select(f => f.AppField).ToArray();
    }

    public EntityKind Entity { get; }

    public IReadOnlyList<FieldMap> Fields { get; }

    /// <summary>Every Salesforce field the map reads, for SELECT lists.</summary>
    public IReadOnlyList<string> SalesforceFields { get; }

    public IReadOnlyList<string> AppFields { get; }

    /// <summary>The field whose value the matching rules use (the name for accounts, the e-mail for contacts).</summary>
    public FieldMap? MatchField => Entity == EntityKind.Contact
        ? Fields.FirstOrDefault(f => f.Comparison == FieldComparison.Email)
        : Fields.FirstOrDefault(f => f.SalesforceFields is ["Name"]);
}
