using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SfSync.Scope;

namespace SfSync.Tests.Scope;

/// <summary>A bad scope stops start-up with every problem named, as a bad field map does.</summary>
public class ScopeOptionsValidatorTests
{
    private static OptionsValidationException? Start(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSyncEngine().BuildServiceProvider();
        try
        {
            _ = services.GetRequiredService<IOptions<ScopeOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex;
        }
    }

    [Fact]
    public void Valid_scopes_over_mapped_fields_and_OwnerId_start()
    {
        var error = Start(new()
        {
            ["Sync:Scope:Account:Salesforce"] = "BillingCountry IN ('DE', 'AT') AND NOT Name LIKE 'Test%' OR ownerid = '005000000000001AAA'",
            ["Sync:Scope:Account:App"] = "country = 'DE'",
            ["Sync:Scope:Contact:SalesforceListView"] = "MyContacts",
            ["Sync:Scope:Contact:App"] = "email LIKE '%@example.com'",
        });

        Assert.Null(error);
    }

    [Fact]
    public void Every_problem_is_named_with_its_setting_and_position()
    {
        var error = Start(new()
        {
            ["Sync:Scope:Account:Salesforce"] = "Name = 'Acme' AND Industry = 'Energy'",
            ["Sync:Scope:Account:App"] = "country = ",
            ["Sync:Scope:Contact:Salesforce"] = "Email LIKE '%@x.com'",
            ["Sync:Scope:Contact:SalesforceListView"] = "My Contacts",
            ["Sync:Scope:Contact:App"] = "Email = 'x'",
        });

        Assert.NotNull(error);
        Assert.Equal(
            [
                "Sync:Scope:Account:Salesforce: 'Industry' is not a mapped Account field (nor OwnerId); a scope can only filter on fields the sync reads.",
                "Sync:Scope:Account:App at character 11: expected a value ('text', a number, true, false or null), found the end of the filter.",
                "Sync:Scope:Contact: set Salesforce or SalesforceListView, not both.",
                "Sync:Scope:Contact:SalesforceListView 'My Contacts' is neither a list view id (00B…) nor a developer name.",
                "Sync:Scope:Contact:App: 'Email' is not a mapped app field of Contact; a scope can only filter on fields the sync reads.",
            ],
            error.Failures);
    }

    [Fact]
    public void An_injection_attempt_does_not_start()
    {
        var error = Start(new() { ["Sync:Scope:Account:Salesforce"] = "Name = 'x' OR Id != null) OR (Name = 'y'" });

        Assert.NotNull(error);
        Assert.Contains("at character 25", error.Message, StringComparison.Ordinal);
    }
}
