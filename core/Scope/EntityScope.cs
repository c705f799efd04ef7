using System.Security.Cryptography;
using System.Text;
using SfSync.Model;
using SfSync.Salesforce.Rest;

namespace SfSync.Scope;

/// <summary>
/// One entity's scope as the engine applies it: the Salesforce filter (configured, or a list view's) and the app
/// filter, either absent for "every record". A pair of records is in scope while each record that exists satisfies its
/// side's filter (docs/scope.md).
/// </summary>
/// <param name="Source">What the Salesforce filter came from, for messages: the list view, or the setting.</param>
internal sealed record EntityScope(EntityKind Entity, ScopeExpression? Salesforce, ScopeExpression? App, string? Source = null)
{
    public static EntityScope All(EntityKind entity) => new(entity, null, null);

    /// <summary>A contact's: the Account scope. While it is not every record, a contact is synced only under an account
    /// pair that is linked and in scope (docs/scope.md, contacts).</summary>
    public EntityScope? Parent { get; init; }

    public bool IsAll => Salesforce is null && App is null;

    public bool ParentScoped => Parent is { IsAll: false };

    public bool SalesforceMatches(SalesforceRecord record) =>
        Salesforce is null || ScopeEvaluator.Matches(Salesforce, field => Value(record.Fields, field));

    public bool AppMatches(AppRecord record) => App is null || ScopeEvaluator.Matches(App, record.Field);

    /// <summary>64 bits of SHA-256 over the filters' canonical text: equal for every spelling of the same filters, so a
    /// reformatted setting does not re-sync, and stored to notice that the scope changed.</summary>
    public string Fingerprint
    {
        get
        {
            // A contact's includes its account scope's: contacts go with their accounts, so a changed Account scope
            // re-reads contacts too (an account scope that stayed every record changes nothing).
            var text = $"{Entity}|sf:{(Salesforce is null ? "" : ScopeSoql.Render(Salesforce))}|app:{(App is null ? "" : ScopeSoql.Render(App))}"
                + (ParentScoped ? $"|parent:{Parent!.Fingerprint}" : "");
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
        }
    }

    public override string ToString() =>
        IsAll ? "every record"
            : string.Join("; ", new[] { Salesforce is null ? null : $"Salesforce {Source ?? "filter"}: {ScopeSoql.Render(Salesforce)}", App is null ? null : $"app filter: {ScopeSoql.Render(App)}" }.OfType<string>());

    /// <summary>Salesforce field names are case-insensitive; the records keep the spelling the answer had.</summary>
    private static string? Value(IReadOnlyDictionary<string, string?> fields, string field)
    {
        if (fields.TryGetValue(field, out var value))
        {
            return value;
        }

        foreach (var (name, other) in fields)
        {
            if (string.Equals(name, field, StringComparison.OrdinalIgnoreCase))
            {
                return other;
            }
        }

        return null;
    }
}
