using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SfSync.Seed;

namespace SfSync.SalesforceEmulator.Org;

/// <summary>
/// Fills the org with Salesforce's half of the demo data (DemoSeed says how it overlaps the sample app's), as the
/// org's person: people entered it, so none of it may look like a record the sync created.
/// </summary>
internal sealed class OrgSeeder(OrgStore org, IOptions<EmulatorOptions> options, ILogger<OrgSeeder> logger)
{
    public void Seed()
    {
        var accounts = DemoSeed.SalesforceAccounts(options.Value.Seed);
        var contacts = 0;
        foreach (var company in accounts)
        {
            var account = org.Create(OrgStore.PersonUserId, "Account", new JsonObject
            {
                ["Name"] = company.Name,
                ["Phone"] = company.Phone,
                ["Description"] = company.Description,
                ["Fax"] = company.Fax,
                ["BillingStreet"] = company.Street,
                ["BillingCity"] = company.City,
                ["BillingState"] = company.State,
                ["BillingPostalCode"] = company.PostalCode,
                ["BillingCountry"] = company.Country,
            });
            foreach (var person in company.People)
            {
                org.Create(OrgStore.PersonUserId, "Contact", new JsonObject { ["FirstName"] = person.FirstName, ["LastName"] = person.LastName, ["Email"] = person.Email, ["AccountId"] = account.Id });
                contacts++;
            }
        }

        if (accounts.Count > 0)
        {
            SeedLog.Seeded(logger, accounts.Count, contacts);
        }
    }
}

internal static partial class SeedLog
{
    [LoggerMessage(EventId = 1, EventName = "Seeded", Level = LogLevel.Information, Message = "Seeded {Accounts} accounts and {Contacts} contacts")]
    public static partial void Seeded(ILogger logger, int accounts, int contacts);
}
