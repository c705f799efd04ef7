using System.Text.RegularExpressions;
using SfSync.Model;

namespace SfSync.Mapping;

/// <summary>
/// The app sync contract's field names. Fields outside the default set are allowed (the contract is
/// extensible) as long as they are snake_case and not one of the contract's reserved fields, which the
/// engine writes itself.
/// </summary>
internal static partial class AppFieldCatalog
{
    public const string SalesforceId = "salesforce_id";
    public const string SyncDisabled = "sync_disabled";
    public const string CustomerId = "customer_id";

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "id", SalesforceId, SyncDisabled, CustomerId, "created_at", "updated_at", "modified_at", "deleted", "version",
    };

    public static bool IsReserved(string field) => Reserved.Contains(field);

    public static bool IsWellFormed(string field) => SnakeCase().IsMatch(field);

    public static IReadOnlyCollection<string> DefaultFields(EntityKind entity) =>
        (entity == EntityKind.Account ? MappingOptions.DefaultAccount : MappingOptions.DefaultContact).Select(f => f.App).ToArray();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex SnakeCase();
}
