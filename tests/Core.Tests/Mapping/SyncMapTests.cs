using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SfSync.Mapping;
using SfSync.Model;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Mapping;

public class SyncMapTests
{
    [Fact]
    public void The_default_map_is_the_briefs()
    {
        var accounts = SyncMap.Default.For(EntityKind.Account);
        var contacts = SyncMap.Default.For(EntityKind.Contact);

        Assert.Equal(["name", "phone_number", "description", "fax_number", "street", "city", "state", "zip_code", "country"], accounts.AppFields);
        Assert.Equal(["Name", "Phone", "Description", "Fax", "BillingStreet", "BillingCity", "BillingState", "BillingPostalCode", "BillingCountry"], accounts.SalesforceFields);
        Assert.Equal(["FirstName", "LastName", "Email"], contacts.SalesforceFields);
        Assert.Equal(FieldComparison.Email, contacts.Fields.Single(f => f.AppField == "email").Comparison);
    }

    [Fact]
    public void A_configured_list_replaces_the_default_and_binds_custom_fields()
    {
        using var harness = new SyncHarness(new Dictionary<string, string?>
        {
            ["Sync:Mappings:Account:0:Salesforce"] = "Name",
            ["Sync:Mappings:Account:0:App"] = "name",
            ["Sync:Mappings:Account:1:Salesforce"] = "License_Tier__c",
            ["Sync:Mappings:Account:1:App"] = "license_tier",
        });

        var map = harness.Get<SyncMap>().For(EntityKind.Account);

        Assert.Equal(["name", "license_tier"], map.AppFields);
        Assert.Equal(3, harness.Get<SyncMap>().For(EntityKind.Contact).SalesforceFields.Count);
    }

    [Fact]
    public void Unknown_fields_and_duplicate_targets_fail_start_up_with_every_problem_named()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sync:Mappings:Account:0:Salesforce"] = "Name",
            ["Sync:Mappings:Account:0:App"] = "name",
            ["Sync:Mappings:Account:1:Salesforce"] = "Phnoe",
            ["Sync:Mappings:Account:1:App"] = "phone_number",
            ["Sync:Mappings:Account:2:Salesforce"] = "Fax",
            ["Sync:Mappings:Account:2:App"] = "name",
            ["Sync:Mappings:Account:3:Salesforce"] = "Name",
            ["Sync:Mappings:Account:3:App"] = "title",
            ["Sync:Mappings:Account:4:Salesforce"] = "Website",
            ["Sync:Mappings:Account:4:App"] = "salesforce_id",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSyncEngine().BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MappingOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Sync:Mappings:Account:1:Salesforce 'Phnoe' is not a writable Account field", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Sync:Mappings:Account:2:App 'name' is already mapped by Sync:Mappings:Account:0", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Sync:Mappings:Account:3:Salesforce 'Name' is already mapped", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("'salesforce_id' is reserved", StringComparison.Ordinal));
    }

    [Fact]
    public void A_contact_map_without_LastName_is_rejected()
    {
        var errors = SyncMap.Validate(new MappingOptions { Contact = [new() { Salesforce = "Email", App = "email" }] });

        Assert.Contains(errors, e => e.Contains("must map LastName", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Renewal_Date__c", true)]
    [InlineData("Bad__Name__c", false)]
    [InlineData("Name; DELETE", false)]
    [InlineData("Id", false)]
    [InlineData("AccountId", false)]
    public void Only_writable_standard_fields_and_well_formed_custom_fields_are_known(string field, bool known) =>
        Assert.Equal(known, SalesforceFieldCatalog.IsKnown(EntityKind.Account, field));
}
