using System.Net.Http.Json;
using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SfSync.App;
using SfSync.App.Http;
using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Tests.Fakes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.App.Http;

/// <summary>The app port's client against the real sample app process.</summary>
[Collection(SampleAppCollection.Name)]
public sealed class AppApiClientTests(SampleAppFixture app) : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    public void Dispose() => _providers.ForEach(p => p.Dispose());

    private AppApiClient Client(string? apiKey = SampleAppFixture.ApiKey, Uri? baseUrl = null, Action<IServiceCollection>? configure = null, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["App:BaseUrl"] = (baseUrl ?? app.BaseUrl).ToString(),
            ["App:ApiKey"] = apiKey,
            ["App:MaxRetries"] = "1",
            ["App:RetryDelay"] = "00:00:00.050",
            ["App:AttemptTimeout"] = "00:00:05",
            ["App:TotalTimeout"] = "00:00:10",
        };
        foreach (var (k, v) in more ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddAppApi();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<AppApiClient>();
    }

    [Fact]
    public async Task Records_round_trip_through_upsert_lookup_change_feed_and_delete()
    {
        var client = Client();
        var start = await DrainAsync(client, EntityKind.Contact, null);
        var customer = (await client.UpsertAsync(EntityKind.Account, [new AppUpsert(null, Fields.Of(("name", "Round Trip Ltd"), ("city", "Leeds")), SalesforceId.Parse("001A0000000RT01"), null)]))[0];
        var contact = (await client.UpsertAsync(EntityKind.Contact, [new AppUpsert(null, Fields.Of(("name", "Rita Trip"), ("email", "rita@roundtrip.example")), null, customer.Id)]))[0];

        var bySalesforce = Assert.Single(await client.ReadAsync(EntityKind.Account, new AppReadRequest([], [SalesforceId.Parse("001A0000000RT01")], [], [])));
        var byEmail = Assert.Single(await client.ReadAsync(EntityKind.Contact, new AppReadRequest([], [], ["RITA@roundtrip.example"], [])));
        var feed = await DrainAsync(client, EntityKind.Contact, start.Cursor);
        var deleted = await client.DeleteAsync(EntityKind.Contact, [contact.Id!.Value, AppId.Parse("987654321")]);
        var afterDelete = await DrainAsync(client, EntityKind.Contact, feed.Cursor);

        Assert.Equal(("Leeds", customer.Id), (bySalesforce.Field("city"), (AppId?)bySalesforce.Id));
        Assert.Equal((customer.Id, contact.Version), (byEmail.ParentId, byEmail.Version));
        Assert.Contains(feed.Changes, c => c.Id == contact.Id && c.Version == contact.Version && !c.Deleted);
        Assert.All(deleted, d => Assert.True(d.Success));
        Assert.Contains(afterDelete.Changes, c => c.Id == contact.Id && c.Deleted);
        Assert.Empty(await client.ReadAsync(EntityKind.Contact, AppReadRequest.ByIds([contact.Id.Value])));
    }

    [Fact]
    public async Task Per_record_failures_come_back_as_results_not_exceptions()
    {
        var client = Client();

        var results = await client.UpsertAsync(EntityKind.Contact,
        [
            new AppUpsert(null, Fields.Of(("name", "Fine Person"), ("email", "fine@example.com")), null, null),
            new AppUpsert(null, Fields.Of(("name", "Broken Mail"), ("email", "broken@")), null, null),
            new AppUpsert(AppId.Parse("424242424"), Fields.Of(("name", "Ghost")), null, null),
        ]);

        Assert.Equal([true, false, false], results.Select(r => r.Success));
        Assert.Equal(["InvalidEmail", "NotFound"], results.Skip(1).Select(r => r.ErrorCode));
    }

    [Fact]
    public async Task A_conditional_update_after_a_users_edit_comes_back_as_a_version_conflict_and_leaves_the_edit()
    {
        var client = Client();
        var created = (await client.UpsertAsync(EntityKind.Account, [new AppUpsert(null, Fields.Of(("name", "Versioned AB"), ("city", "Malmö")), null, null)]))[0];
        using (var http = new HttpClient { BaseAddress = app.BaseUrl })
        using (var edit = await http.PatchAsJsonAsync($"/customers/{created.Id!.Value.Value}", new { city = "Lund" }))
        {
            edit.EnsureSuccessStatusCode(); // a person edits the customer after the sync read it
        }

        var results = await client.UpsertAsync(EntityKind.Account,
        [
            new AppUpsert(created.Id, Fields.Of(("city", "Göteborg")), null, null, ExpectedVersion: created.Version),
        ]);
        var current = Assert.Single(await client.ReadAsync(EntityKind.Account, AppReadRequest.ByIds([created.Id.Value])));
        var retried = await client.UpsertAsync(EntityKind.Account, [new AppUpsert(created.Id, Fields.Of(("city", "Göteborg")), null, null, ExpectedVersion: current.Version)]);

        Assert.True(results[0].IsVersionConflict, results[0].ErrorCode);
        Assert.Equal("Lund", current.Field("city"));
        Assert.True(retried[0].Success, retried[0].ErrorCode);
        Assert.Equal("Göteborg", Assert.Single(await client.ReadAsync(EntityKind.Account, AppReadRequest.ByIds([created.Id.Value]))).Field("city"));
    }

    [Fact]
    public async Task A_create_retried_with_its_Salesforce_id_returns_the_record_it_made_unchanged()
    {
        var client = Client();
        var salesforceId = SalesforceId.Parse("001A" + Guid.NewGuid().ToString("N")[..11]);

        var first = (await client.UpsertAsync(EntityKind.Account, [new AppUpsert(null, Fields.Of(("name", "Once Only BV"), ("city", "Leiden")), salesforceId, null)]))[0];
        var retry = (await client.UpsertAsync(EntityKind.Account, [new AppUpsert(null, Fields.Of(("name", "Once Only BV"), ("city", "Delft")), salesforceId, null)]))[0];
        var record = Assert.Single(await client.ReadAsync(EntityKind.Account, new AppReadRequest([], [salesforceId], [], [])));

        Assert.False(first.Existing);
        Assert.Equal((true, true, first.Id, first.Version), (retry.Success, retry.Existing, retry.Id, retry.Version));
        Assert.Equal(("Leiden", first.Version, first.Id), (record.Field("city"), record.Version, (AppId?)record.Id));
    }

    [Fact]
    public async Task Contacts_of_customers_and_tombstones_asked_for_by_id_are_read_through_the_client()
    {
        var client = Client();
        var salesforceId = SalesforceId.Parse("003A" + Guid.NewGuid().ToString("N")[..11]);
        var customer = (await client.UpsertAsync(EntityKind.Account, [new AppUpsert(null, Fields.Of(("name", "Family Ltd")), null, null)]))[0].Id!.Value;
        var written = await client.UpsertAsync(EntityKind.Contact,
        [
            new AppUpsert(null, Fields.Of(("name", "Kid Live"), ("email", $"live.{salesforceId.Value}@family.example")), null, customer),
            new AppUpsert(null, Fields.Of(("name", "Kid Gone"), ("email", $"gone.{salesforceId.Value}@family.example")), salesforceId, customer),
        ]);
        var (live, gone) = (written[0].Id!.Value, written[1].Id!.Value);
        await client.DeleteAsync(EntityKind.Contact, [gone]);

        var ofCustomer = await client.ReadAsync(EntityKind.Contact, new AppReadRequest([], [], [], []) { CustomerIds = [customer] });
        var byIds = await client.ReadAsync(EntityKind.Contact, AppReadRequest.ByIds([live, gone]) with { IncludeDeleted = true });
        var liveOnly = await client.ReadAsync(EntityKind.Contact, AppReadRequest.ByIds([live, gone]));

        Assert.Equal(live, Assert.Single(ofCustomer).Id);
        var tombstone = Assert.Single(byIds, r => r.Id == gone);
        Assert.Equal((true, (AppId?)customer, (SalesforceId?)salesforceId, "Kid Gone"), (tombstone.Deleted, tombstone.ParentId, tombstone.SalesforceId, tombstone.Field("name")));
        Assert.False(Assert.Single(byIds, r => r.Id == live).Deleted);
        Assert.Equal([live], liveOnly.Select(r => r.Id));
    }

    [Fact]
    public async Task A_tombstone_the_engine_did_not_ask_for_by_id_is_not_passed_on()
    {
        // An app that returns deleted records for other lookups (a looser implementation than the contract's).
        using var http = new HttpClient(new CannedLookup("""
            {"records": [
              {"id": "7", "version": 9, "createdAt": "2026-01-01T00:00:00Z", "modifiedAt": "2026-01-02T00:00:00Z", "syncDisabled": false, "fields": {"name": "Old"}, "deleted": true},
              {"id": "8", "version": 10, "createdAt": "2026-01-01T00:00:00Z", "modifiedAt": "2026-01-02T00:00:00Z", "syncDisabled": false, "fields": {"name": "Old"}, "deleted": false}
            ]}
            """)) { BaseAddress = new Uri("http://app.invalid/") };
        var client = new AppApiClient(Refit.RestService.For<IAppSyncApi>(http), Microsoft.Extensions.Options.Options.Create(new AppApiOptions { BaseUrl = http.BaseAddress }), NullLogger<AppApiClient>.Instance);

        var byName = await client.ReadAsync(EntityKind.Account, new AppReadRequest([AppId.Parse("8")], [], [], ["Old"]) { IncludeDeleted = true });
        var byId = await client.ReadAsync(EntityKind.Account, AppReadRequest.ByIds([AppId.Parse("7")]) with { IncludeDeleted = true });

        Assert.Equal([AppId.Parse("8")], byName.Select(r => r.Id));
        Assert.Contains(byId, r => r.Id == AppId.Parse("7") && r.Deleted);
    }

    [Fact]
    public async Task A_wrong_key_makes_the_app_unavailable_with_the_reason()
    {
        var client = Client(apiKey: "wrong-key-123");

        var error = await Assert.ThrowsAsync<SideUnavailableException>(() => client.ReadChangesAsync(EntityKind.Account, null, 10));

        Assert.Equal(Side.App, error.Side);
        Assert.Contains("401", error.Reason, StringComparison.Ordinal);
        Assert.Contains("401", (await client.ProblemAsync())!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_that_does_not_answer_makes_the_side_unavailable_after_bounded_retries()
    {
        var client = Client(baseUrl: new Uri($"http://127.0.0.1:{ChildProcess.FreePort()}/"));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SideUnavailableException>(() => client.ReadAsync(EntityKind.Account, AppReadRequest.ByIds([AppId.Parse("1")])));

        Assert.Contains("could not look up records", error.Reason, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task With_an_Entra_scope_every_call_carries_a_bearer_token_from_the_identity()
    {
        var credential = new CountingCredential();
        var seen = new List<string?>();
        var handler = new AppAuthHandler(
            Microsoft.Extensions.Options.Options.Create(new AppApiOptions { BaseUrl = app.BaseUrl, Scope = "api://sample-app/.default" }),
            new ServiceCollection().AddSingleton(new AppCredential(credential)).BuildServiceProvider(),
            TimeProvider.System)
        {
            InnerHandler = new Recorder(seen),
        };
        using var http = new HttpClient(handler) { BaseAddress = app.BaseUrl };

        await http.GetAsync("/sync/v1/health");
        await http.GetAsync("/sync/v1/health");

        Assert.Equal(["Bearer token-1", "Bearer token-1"], seen);
        Assert.Equal(["api://sample-app/.default"], credential.Scopes);
    }

    [Fact]
    public async Task The_engine_syncs_Salesforce_records_into_the_sample_app_and_app_edits_back()
    {
        using var h = new SyncHarness(configure: services => services.AddAppApi(), settings: new Dictionary<string, string?>
        {
            ["App:BaseUrl"] = app.BaseUrl.ToString(),
            ["App:ApiKey"] = SampleAppFixture.ApiKey,
        });
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var account = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Engine Co {suffix}"), ("BillingCity", "Denver")));
        var contact = h.Salesforce.Create(EntityKind.Contact, Fields.Of(("FirstName", "Eve"), ("LastName", "Engine"), ("Email", $"eve.{suffix}@engine.example")), account);

        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account));
        var contactResult = await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(contact));

        var client = Client();
        var customer = Assert.Single(await client.ReadAsync(EntityKind.Account, new AppReadRequest([], [account], [], [])));
        var appContact = Assert.Single(await client.ReadAsync(EntityKind.Contact, new AppReadRequest([], [contact], [], [])));
        Assert.Equal(("Denver", customer.Id, "Eve Engine"), (customer.Field("city"), appContact.ParentId!.Value, appContact.Field("name")));
        Assert.Equal(OutcomeKind.Created, contactResult.Outcomes.Single().App.Kind);

        await client.UpsertAsync(EntityKind.Account, [new AppUpsert(customer.Id, Fields.Of(("city", "Boulder")), null, null)]);
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer.Id));

        Assert.Equal("Boulder", h.Salesforce.Get(account).Fields["BillingCity"]);
    }

    [Fact]
    public async Task A_new_app_contact_without_a_customer_gets_its_account_from_its_company_name()
    {
        using var h = new SyncHarness(configure: services => services.AddAppApi(), settings: new Dictionary<string, string?>
        {
            ["App:BaseUrl"] = app.BaseUrl.ToString(),
            ["App:ApiKey"] = SampleAppFixture.ApiKey,
        });
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var earliest = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Exact Co {suffix}")));
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Exact Co {suffix}")));
        var holding = h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Zyx Widgets {suffix} Holding")));
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Twin {suffix} A")));
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", $"Twin {suffix} B")));

        // As a person enters them in the app: no customer, a company name.
        using var user = new HttpClient { BaseAddress = app.BaseUrl };
        async Task<AppId> ContactAsync(string name, string? company)
        {
            using var created = await user.PostAsJsonAsync("/contacts", new Dictionary<string, string?> { ["name"] = name, ["email"] = $"{name.Replace(' ', '.')}.{suffix}@company.example", ["company_name"] = company });
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            return AppId.Parse((await created.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["id"]!.GetValue<string>());
        }

        var exact = await ContactAsync("Ada Exact", $"exact co {suffix}");
        var substring = await ContactAsync("Sid Substring", $"Zyx Widgets {suffix}");
        var ambiguous = await ContactAsync("Tom Twin", $"Twin {suffix}");
        var none = await ContactAsync("Nora None", null);

        var read = Assert.Single(await Client().ReadAsync(EntityKind.Contact, AppReadRequest.ByIds([exact])));
        Assert.Equal(($"exact co {suffix}", false), (read.CompanyName, read.Fields.ContainsKey("company_name")));

        foreach (var contact in new[] { exact, substring, ambiguous, none })
        {
            await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForApp(contact));
        }

        SalesforceId? AccountOf(string who) => h.Salesforce.All(EntityKind.Contact).Single(c => c.Fields["Email"]!.StartsWith(who, StringComparison.OrdinalIgnoreCase)).ParentId;
        Assert.Equal(earliest, AccountOf("Ada.Exact"));         // exact name (case aside), the earliest created of two
        Assert.Equal(holding, AccountOf("Sid.Substring"));      // else the one account whose name contains it
        Assert.Null(AccountOf("Tom.Twin"));                // a substring of two accounts links none
        Assert.Null(AccountOf("Nora.None"));                     // no company name, no customer: no account
    }

    private static async Task<(List<AppChange> Changes, string? Cursor)> DrainAsync(AppApiClient client, EntityKind entity, string? cursor)
    {
        var changes = new List<AppChange>();
        while (true)
        {
            var page = await client.ReadChangesAsync(entity, cursor, 500);
            changes.AddRange(page.Changes);
            cursor = page.NextCursor;
            if (!page.HasMore)
            {
                return (changes, cursor);
            }
        }
    }

    private sealed class CountingCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return ValueTask.FromResult(new AccessToken($"token-{Scopes.Count}", DateTimeOffset.UtcNow.AddHours(1)));
        }
    }

    private sealed class CannedLookup(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });
    }

    private sealed class Recorder(List<string?> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.Headers.Authorization?.ToString());
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
