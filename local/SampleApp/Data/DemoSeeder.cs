using Microsoft.Extensions.Options;
using SfSync.Seed;

namespace SfSync.SampleApp.Data;

/// <summary>Fills an empty database with the app's half of the demo data (see DemoSeed for how it overlaps Salesforce's).</summary>
internal sealed class DemoSeeder(RecordStore store, IOptions<SampleAppOptions> options, ILogger<DemoSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var count = options.Value.Seed;
        if (count == 0 || (await store.ListAsync(Collection.Customers, null, 0, 1, cancellationToken)).Count > 0)
        {
            return;
        }

        var customers = DemoSeed.AppCustomers(count);
        var created = await store.WriteManyAsync(Collection.Customers, customers.Select(c => ((long?)null, new RecordChange(new Dictionary<string, string?>
        {
            ["name"] = c.Name,
            ["phone_number"] = c.Phone,
            ["description"] = c.Description,
            ["fax_number"] = c.Fax,
            ["street"] = c.Street,
            ["city"] = c.City,
            ["state"] = c.State,
            ["zip_code"] = c.PostalCode,
            ["country"] = c.Country,
        }))).ToList(), bySync: false, cancellationToken);

        var contacts = customers.Zip(created).SelectMany(pair => pair.First.People.Select(p => ((long?)null, new RecordChange(
            new Dictionary<string, string?> { ["name"] = p.FullName, ["email"] = p.Email },
            CustomerId: pair.Second.Record!.Id)))).ToList();
        await store.WriteManyAsync(Collection.Contacts, contacts, bySync: false, cancellationToken);
        SeedLog.Seeded(logger, customers.Count, contacts.Count);
    }
}

internal static partial class SeedLog
{
    [LoggerMessage(EventId = 1, EventName = "Seeded", Level = LogLevel.Information, Message = "Seeded {Customers} customers and {Contacts} contacts")]
    public static partial void Seeded(ILogger logger, int customers, int contacts);
}
