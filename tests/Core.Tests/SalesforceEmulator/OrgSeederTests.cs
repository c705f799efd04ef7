using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SfSync.SalesforceEmulator;
using SfSync.SalesforceEmulator.Org;
using SfSync.SalesforceEmulator.Soql;

namespace SfSync.Tests.SalesforceEmulator;

/// <summary>The demo data is what people entered in Salesforce: none of it may look like a record the sync created.</summary>
public sealed class OrgSeederTests
{
    [Fact]
    public void Seeded_accounts_and_contacts_are_created_by_the_orgs_person_not_the_integration_user()
    {
        var options = Options.Create(new EmulatorOptions { Seed = 6 });
        var org = new OrgStore(options, TimeProvider.System);

        new OrgSeeder(org, options, NullLogger<OrgSeeder>.Instance).Seed();

        var creators = new[] { "Account", "Contact" }
            .SelectMany(o => org.Query(SoqlParser.Parse($"SELECT Id, CreatedById FROM {o}"), includeDeleted: false))
            .Select(r => (string?)r["CreatedById"])
            .ToList();
        Assert.True(creators.Count > 6, $"{creators.Count} records seeded");
        Assert.All(creators, c => Assert.Equal(OrgStore.PersonUserId, c));
        Assert.NotEqual(OrgStore.IntegrationUserId, OrgStore.PersonUserId);
    }
}
