using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SfSync.Mapping;
using SfSync.Model;

namespace SfSync.Scope;

/// <summary>Fails start-up with every scope problem named: a filter that does not parse (with the character where it
/// went wrong), a field the entity cannot filter on, a list view that is neither an id nor a developer name.</summary>
internal sealed partial class ScopeOptionsValidator(IOptions<MappingOptions> mapping) : IValidateOptions<ScopeOptions>
{
    public ValidateOptionsResult Validate(string? name, ScopeOptions options)
    {
        var errors = new List<string>();
        var map = SyncMap.Validate(mapping.Value).Count == 0 ? SyncMap.Build(mapping.Value) : null;
        foreach (var entity in new[] { EntityKind.Account, EntityKind.Contact })
        {
            var scope = options.For(entity);
            var path = $"{ScopeOptions.Section}:{entity}";
            if (!string.IsNullOrWhiteSpace(scope.Salesforce) && !string.IsNullOrWhiteSpace(scope.SalesforceListView))
            {
                errors.Add($"{path}: set Salesforce or SalesforceListView, not both.");
            }

            if (!string.IsNullOrWhiteSpace(scope.SalesforceListView) && !ListViewName().IsMatch(scope.SalesforceListView.Trim()))
            {
                errors.Add($"{path}:SalesforceListView '{scope.SalesforceListView}' is neither a list view id (00B…) nor a developer name.");
            }

            Check($"{path}:Salesforce", scope.Salesforce, map is null ? null : f => ScopeFields.UnknownSalesforce(map.For(entity), f), $"not a mapped {entity} field (nor OwnerId)", errors);
            Check($"{path}:App", scope.App, map is null ? null : f => ScopeFields.UnknownApp(map.For(entity), f), $"not a mapped app field of {entity}", errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(string path, string? filter, Func<ScopeExpression, string?>? unknown, string what, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return;
        }

        try
        {
            var parsed = ScopeParser.Parse(filter);
            if (unknown?.Invoke(parsed) is { } field)
            {
                errors.Add($"{path}: '{field}' is {what}; a scope can only filter on fields the sync reads.");
            }
        }
        catch (ScopeSyntaxException ex)
        {
            errors.Add($"{path} {ex.Message}.");
        }
    }

    [GeneratedRegex("^(00B[A-Za-z0-9]{12}([A-Za-z0-9]{3})?|[A-Za-z][A-Za-z0-9_]{0,79})$")]
    private static partial Regex ListViewName();
}
