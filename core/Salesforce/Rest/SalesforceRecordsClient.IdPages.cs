using System.Text.Json;
using SfSync.Model;
using SfSync.Sweeping;

namespace SfSync.Salesforce.Rest;

/// <summary>The drift sweep's Id keyset pages: up to five entities' pages in one Composite call, each
/// <c>SELECT Id, SystemModstamp, IsDeleted FROM X WHERE Id &gt; :last ORDER BY Id LIMIT n</c> through queryAll (so only
/// purged records are absent). Salesforce ids sort by their base-62 digits 0-9, A-Z, a-z — ordinal order, the order of the
/// link table's row keys — which is what lets a page be compared with the links of its range.</summary>
internal sealed partial class SalesforceRecordsClient : ISalesforceIdPages
{
    public async Task<SalesforceIdRead> ReadIdPagesAsync(IReadOnlyList<SalesforceIdQuery> queries, CancellationToken cancellationToken = default)
    {
        var pages = new List<SalesforceIdPage>(queries.Count);
        var calls = 0;
        foreach (var group in queries.Chunk(HeavySubrequestsPerComposite))
        {
            var requests = group.Select((q, i) => new CompositeSubrequest("GET", $"{DataPath}/queryAll?q={Uri.EscapeDataString(IdSoql(q))}", $"q{i}")).ToList();
            var responses = await CompositeAsync(requests, notReplayable: false, "read an id page", cancellationToken).ConfigureAwait(false);
            calls++;
            foreach (var (query, response) in group.Zip(responses))
            {
                if (response.HttpStatusCode != 200)
                {
                    throw new SideUnavailableException(Side.Salesforce, $"an id page was refused: {Describe((System.Net.HttpStatusCode)response.HttpStatusCode, response.Body.GetRawText())}");
                }

                var page = response.Body.Deserialize<QueryResult>(Json)!;
                var rows = page.Records.ToList();
                while (!page.Done && page.NextRecordsUrl is { } next)
                {
                    page = await CallAsync(() => api.QueryMoreAsync(Settings.ApiVersion, next[(next.LastIndexOf('/') + 1)..], cancellationToken), "read the next id page").ConfigureAwait(false);
                    calls++;
                    rows.AddRange(page.Records);
                }

                var parsed = rows.Select(r => new SalesforceIdRow(
                    SalesforceId.Parse(r.GetProperty("Id").GetString()!),
                    SalesforceDates.Parse(r.GetProperty("SystemModstamp").GetString()!),
                    r.TryGetProperty("IsDeleted", out var deleted) && deleted.ValueKind == JsonValueKind.True)).ToList();
                pages.Add(new SalesforceIdPage(query.Entity, parsed, parsed.Count >= query.Limit));
            }
        }

        return new SalesforceIdRead(pages, calls);
    }

    private static string IdSoql(SalesforceIdQuery query) =>
        $"SELECT Id, SystemModstamp, IsDeleted FROM {query.Entity.SalesforceObject()}"
        + (query.After is { } after ? $" WHERE Id > '{after.Value}'" : "")
        + $" ORDER BY Id ASC LIMIT {query.Limit}";
}
