namespace SfSync.Model;

/// <summary>The kinds of record the product keeps in step. Named after the Salesforce object.</summary>
public enum EntityKind
{
    /// <summary>Salesforce Account ⇄ app customer.</summary>
    Account,

    /// <summary>Salesforce Contact ⇄ app contact.</summary>
    Contact,
}

internal static class EntityKindNames
{
    public static readonly IReadOnlyList<EntityKind> All = [EntityKind.Account, EntityKind.Contact];

    public static string SalesforceObject(this EntityKind entity) => entity switch
    {
        EntityKind.Account => "Account",
        EntityKind.Contact => "Contact",
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    /// <summary>The first three characters of every id of the object (001 Account, 003 Contact).</summary>
    public static string KeyPrefix(this EntityKind entity) => entity switch
    {
        EntityKind.Account => "001",
        EntityKind.Contact => "003",
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    public static string AppCollection(this EntityKind entity) => entity switch
    {
        EntityKind.Account => "customers",
        EntityKind.Contact => "contacts",
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    /// <summary>Accepts the Salesforce object name or the app collection name, case-insensitively.</summary>
    public static bool TryParse(string? text, out EntityKind entity)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(text, candidate.SalesforceObject(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, candidate.AppCollection(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, candidate == EntityKind.Account ? "customer" : "contact", StringComparison.OrdinalIgnoreCase))
            {
                entity = candidate;
                return true;
            }
        }

        entity = default;
        return false;
    }
}
