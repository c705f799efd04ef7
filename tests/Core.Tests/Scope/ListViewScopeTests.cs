using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SfSync.Mapping;
using SfSync.Model;
using SfSync.Salesforce;
using SfSync.Salesforce.Rest;
using SfSync.Scope;
using SfSync.Tests.Fakes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Scope;

/// <summary>A list view as a scope against the emulator process: its listing and describe over HTTP, the filter the
/// resolver takes from it, what that costs, and the list views it refuses.</summary>
[Collection(SalesforceEmulatorCollection.Name)]
public sealed class ListViewScopeTests(SalesforceEmulatorFixture emulator) : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _providers.ForEach(p => p.Dispose());

    private ServiceProvider Services(Dictionary<string, string?> scope)
    {
        var settings = emulator.Settings(SalesforceAuthFlow.ClientCredentials);
        foreach (var (key, value) in scope)
        {
            settings[key] = value;
        }

        var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton(SyncMap.Default)
            .AddSalesforceApi()
            .AddSingleton<ScopeResolver>()
            .AddOptions<ScopeOptions>().BindConfiguration(ScopeOptions.Section).Services
            .BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    private async Task<string> PutListViewAsync(string sobject, string name, string? where, string scope = "everything")
    {
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        using var response = await http.PutAsJsonAsync($"/__emulator/listviews/{sobject}/{name}", new { label = name, where, scope });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task The_emulator_lists_its_list_views_and_describes_one_with_its_SOQL()
    {
        var (http, person) = await emulator.SignInAsync();
        using (http)
        {
            var listing = (await http.GetFromJsonAsync<JsonNode>("/services/data/v62.0/sobjects/Contact/listviews"))!;
            var mine = listing["listviews"]!.AsArray().Single(v => v!["developerName"]!.GetValue<string>() == "MyContacts")!;
            Assert.StartsWith("00B", mine["id"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal($"/services/data/v62.0/sobjects/Contact/listviews/{mine["id"]}/describe", mine["describeUrl"]!.GetValue<string>());

            var describe = (await http.GetFromJsonAsync<JsonNode>(mine["describeUrl"]!.GetValue<string>()))!;
            Assert.Equal($"SELECT Name, Id FROM Contact WHERE OwnerId = '{person}' ORDER BY Name ASC NULLS FIRST, Id ASC NULLS FIRST", describe["query"]!.GetValue<string>());
            Assert.Equal("everything", describe["scope"]!.GetValue<string>());

            using var missing = await http.GetAsync("/services/data/v62.0/sobjects/Contact/listviews/00B000000000999AAA/describe");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
    }

    [Fact]
    public async Task The_emulator_refuses_a_list_view_whose_filter_is_not_SOQL()
    {
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        using var response = await http.PutAsJsonAsync("/__emulator/listviews/Account/Broken", new { where = "Name = 'x' OR" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_developer_name_costs_the_listing_and_the_describe_an_id_the_describe_alone()
    {
        var client = Services([]).GetRequiredService<ISalesforceListViews>();
        var before = await emulator.UsedCallsAsync();

        var byName = await client.DescribeListViewAsync(EntityKind.Account, "AllAccounts");
        var afterName = await emulator.UsedCallsAsync();
        var byId = await client.DescribeListViewAsync(EntityKind.Account, byName.Id);
        var afterId = await emulator.UsedCallsAsync();

        Assert.Equal("SELECT Name, Id FROM Account ORDER BY Name ASC NULLS FIRST, Id ASC NULLS FIRST", byName.Query);
        Assert.Equal(byName, byId);
        Assert.Equal((2, 1), (afterName - before, afterId - afterName));
        await Assert.ThrowsAsync<SideUnavailableException>(() => client.DescribeListViewAsync(EntityKind.Account, "NoSuchView"));
    }

    [Fact]
    public async Task The_MyContacts_list_view_becomes_a_filter_on_OwnerId_that_the_reads_can_evaluate()
    {
        var services = Services(new() { ["Sync:Scope:Contact:SalesforceListView"] = "MyContacts" });
        var resolver = services.GetRequiredService<ScopeResolver>();
        var records = services.GetRequiredService<SalesforceRecordsClient>();
        var (http, _) = await emulator.SignInAsync();
        string theirs;
        using (http)
        {
            using var created = await http.PostAsJsonAsync("/services/data/v62.0/sobjects/Contact", new { LastName = "Person's", Email = $"p{Guid.NewGuid():N}@x.example" });
            theirs = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        }

        var ours = (await records.WriteAsync(new SalesforceWriteSet(EntityKind.Contact, [new SalesforceCreate(AppId.Parse($"app-{Guid.NewGuid():N}"), Fields.Of(("LastName", "Sync's")))], [], []))).Creates[0].Id!.Value;

        var scope = await resolver.ForAsync(EntityKind.Contact);
        var read = await records.ReadAsync(new SalesforceReadRequest([], [SalesforceId.Parse(theirs), ours], [], [], [], []));

        Assert.Equal("list view MyContacts", scope.Source);
        Assert.True(scope.SalesforceMatches(read.Contacts.Single(c => c.Id == SalesforceId.Parse(theirs))));
        Assert.False(scope.SalesforceMatches(read.Contacts.Single(c => c.Id == ours))); // owned by the integration user
    }

    [Fact]
    public async Task A_list_view_is_described_once_and_again_only_after_the_refresh_so_an_edit_in_Salesforce_is_followed()
    {
        var name = "Scoped" + Guid.NewGuid().ToString("N")[..8];
        await PutListViewAsync("Account", name, "BillingCountry = 'Germany'");
        var resolver = Services(new() { ["Sync:Scope:Account:SalesforceListView"] = name }).GetRequiredService<ScopeResolver>();
        var before = await emulator.UsedCallsAsync();

        var first = await resolver.ForAsync(EntityKind.Account);
        await PutListViewAsync("Account", name, "BillingCountry IN ('Germany', 'Austria')");
        var cached = await resolver.ForAsync(EntityKind.Account);
        var contact = await resolver.ForAsync(EntityKind.Contact); // a contact's scope names its account's: no call either
        var calls = await emulator.UsedCallsAsync() - before;
        _time.Advance(TimeSpan.FromHours(1));
        var refreshed = await resolver.ForAsync(EntityKind.Account);

        Assert.Equal(2, calls);
        Assert.Equal(first, cached);
        Assert.Equal(first.Fingerprint, contact.Parent!.Fingerprint);
        Assert.Equal(ScopeParser.Parse("BillingCountry IN ('Germany', 'Austria')"), refreshed.Salesforce);
        Assert.NotEqual(first.Fingerprint, refreshed.Fingerprint);
    }

    [Theory]
    [InlineData("MyAccounts", null, "mine", "scope is 'mine'")]
    [InlineData(null, "CreatedDate > 2026-01-01T00:00:00Z", "everything", "dates and date literals are not supported")]
    [InlineData(null, "Industry = 'Energy'", "everything", "filters on Industry, which the sync does not read")]
    public async Task A_list_view_that_cannot_be_a_scope_is_refused_with_the_reason(string? seeded, string? where, string scope, string reason)
    {
        var name = seeded ?? "Refused" + Guid.NewGuid().ToString("N")[..8];
        if (seeded is null)
        {
            await PutListViewAsync("Account", name, where, scope);
        }

        var resolver = Services(new() { ["Sync:Scope:Account:SalesforceListView"] = name }).GetRequiredService<ScopeResolver>();

        var error = await Assert.ThrowsAsync<SideUnavailableException>(() => resolver.ForAsync(EntityKind.Account));

        Assert.Contains($"the Account list view '{name}' cannot be a sync scope", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
