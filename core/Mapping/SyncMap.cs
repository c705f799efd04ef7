using SfSync.Model;

namespace SfSync.Mapping;

/// <summary>The validated field maps of every entity, built once at start-up.</summary>
internal sealed class SyncMap
{
    private readonly EntityMap _account;
    private readonly EntityMap _contact;

    private SyncMap(EntityMap account, EntityMap contact)
    {
        _account = account;
        _contact = contact;
    }

    public static SyncMap Default { get; } = Build(new MappingOptions());

    public EntityMap For(EntityKind entity) => entity == EntityKind.Account ? _account : _contact;

    /// <summary>Builds the map, or throws with every problem listed when the options are invalid.</summary>
    public static SyncMap Build(MappingOptions options)
    {
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid field map: " + string.Join(" ", errors));
        }

        return new SyncMap(
            new EntityMap(EntityKind.Account, Create(options.Account ?? MappingOptions.DefaultAccount)),
            new EntityMap(EntityKind.Contact, Create(options.Contact ?? MappingOptions.DefaultContact)));
    }

    public static IReadOnlyList<string> Validate(MappingOptions options)
    {
        var errors = new List<string>();
        ValidateEntity(EntityKind.Account, options.Account ?? MappingOptions.DefaultAccount, errors);
        ValidateEntity(EntityKind.Contact, options.Contact ?? MappingOptions.DefaultContact, errors);
        return errors;
    }

    private static void ValidateEntity(EntityKind entity, IReadOnlyList<FieldMapOptions> fields, List<string> errors)
    {
        var path = $"{MappingOptions.Section}:{entity}";
        if (fields.Count == 0)
        {
            errors.Add($"{path} maps no field; remove the section to use the default map.");
        }

        var salesforceTargets = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var appTargets = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            var at = $"{path}:{i}";
            var salesforce = field.Salesforce?.Trim() ?? "";
            var app = field.App?.Trim() ?? "";

            string[] parts;
            if (salesforce == PersonName.CompositeField)
            {
                if (entity != EntityKind.Contact)
                {
                    errors.Add($"{at}:Salesforce '{salesforce}' is only valid for Contact.");
                }

                parts = [PersonName.FirstName, PersonName.LastName];
            }
            else if (salesforce.Length == 0)
            {
                errors.Add($"{at}:Salesforce is empty.");
                parts = [];
            }
            else if (!SalesforceFieldCatalog.IsKnown(entity, salesforce))
            {
                errors.Add($"{at}:Salesforce '{salesforce}' is not a writable {entity} field; known fields are "
                    + $"{string.Join(", ", SalesforceFieldCatalog.StandardFields(entity).Order(StringComparer.Ordinal))} and custom fields ending in __c.");
                parts = [];
            }
            else
            {
                parts = [salesforce];
            }

            foreach (var part in parts)
            {
                if (salesforceTargets.TryGetValue(part, out var first))
                {
                    errors.Add($"{at}:Salesforce '{part}' is already mapped by {path}:{first}; each field may be mapped once.");
                }
                else
                {
                    salesforceTargets[part] = i;
                }
            }

            if (app.Length == 0)
            {
                errors.Add($"{at}:App is empty.");
            }
            else if (!AppFieldCatalog.IsWellFormed(app))
            {
                errors.Add($"{at}:App '{app}' is not a snake_case field name.");
            }
            else if (AppFieldCatalog.IsReserved(app))
            {
                errors.Add($"{at}:App '{app}' is reserved by the sync contract and cannot be mapped.");
            }
            else if (appTargets.TryGetValue(app, out var first))
            {
                errors.Add($"{at}:App '{app}' is already mapped by {path}:{first}; each field may be mapped once.");
            }
            else
            {
                appTargets[app] = i;
            }
        }

        if (entity == EntityKind.Contact && !salesforceTargets.ContainsKey(PersonName.LastName))
        {
            errors.Add($"{path} must map LastName (Salesforce requires it), e.g. {{ \"Salesforce\": \"{PersonName.CompositeField}\", \"App\": \"name\" }}.");
        }

        if (entity == EntityKind.Account && !salesforceTargets.ContainsKey("Name"))
        {
            errors.Add($"{path} must map Name (Salesforce requires it).");
        }
    }

    private static FieldMap[] Create(IReadOnlyList<FieldMapOptions> fields) => fields
        .Select(f =>
        {
            var salesforce = f.Salesforce.Trim();
            var comparison = f.Comparison
                ?? (SalesforceFieldCatalog.IsEmailField(salesforce) ? FieldComparison.Email : FieldComparison.Text);
            return new FieldMap(salesforce, f.App.Trim(), comparison);
        })
        .ToArray();
}
