using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.SampleApp;

/// <summary>The sample app's own endpoints, as a person trying a sync by hand uses them.</summary>
[Collection(SampleAppCollection.Name)]
public sealed class UserEndpointsTests(SampleAppFixture app) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = app.BaseUrl };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task A_list_is_a_page_with_the_total_and_a_link_to_the_next_page_until_the_last()
    {
        using var created = await _http.PostAsJsonAsync("/customers", new { name = "Paging Co " + Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var customer = (await created.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<string>();
        foreach (var i in Enumerable.Range(0, 5))
        {
            using var contact = await _http.PostAsJsonAsync("/contacts", new { name = $"Pager {i}", email = $"pager{i}.{customer}@paging.example", customer_id = customer });
            Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
        }

        var seen = new List<string>();
        var next = $"/contacts?customerId={customer}&take=2";
        var pages = 0;
        while (next is not null)
        {
            var page = (await _http.GetFromJsonAsync<JsonNode>(next))!;
            Assert.Equal(5, page["total"]!.GetValue<long>());
            seen.AddRange(page["items"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
            next = page["next"]?.GetValue<string>();
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Pager {i}"), seen);

        var all = (await _http.GetFromJsonAsync<JsonNode>("/customers"))!;
        Assert.True(all["total"]!.GetValue<long>() >= all["items"]!.AsArray().Count);
    }
}
