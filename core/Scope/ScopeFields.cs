using SfSync.Mapping;
using SfSync.Model;

namespace SfSync.Scope;

/// <summary>
/// The fields a scope may filter on: on Salesforce the mapped fields and <c>OwnerId</c> (what "My Accounts"-style list
/// views filter on, read with the mapped fields at no extra call), in the app the mapped app fields. Every field a
/// filter reads must come back with the records the engine already reads, or it could not tell a record left its scope.
/// </summary>
internal static class ScopeFields
{
    public const string Owner = "OwnerId";

    /// <summary>Fields beyond the map that the reads must select when the entity has a Salesforce scope.</summary>
    public static IReadOnlyList<string> ExtraSalesforce(EntityScopeOptions options) => options.HasSalesforceScope ? [Owner] : [];

    public static bool IsSalesforceField(EntityMap map, string field) =>
        string.Equals(field, Owner, StringComparison.OrdinalIgnoreCase) || map.SalesforceFields.Contains(field, StringComparer.OrdinalIgnoreCase);

    public static bool IsAppField(EntityMap map, string field) => map.AppFields.Contains(field, StringComparer.Ordinal);

    /// <summary>The first field of the filter the entity cannot filter on, if any.</summary>
    public static string? UnknownSalesforce(EntityMap map, ScopeExpression filter) => filter.Fields.FirstOrDefault(f => !IsSalesforceField(map, f));

    public static string? UnknownApp(EntityMap map, ScopeExpression filter) => filter.Fields.FirstOrDefault(f => !IsAppField(map, f));
}
