using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SfSync.Mapping;
using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Salesforce;
using SfSync.Salesforce.Rest;
using SfSync.Tests.Fakes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Salesforce.Rest;

/// <summary>The Salesforce connector against the emulator process, over HTTP, for every operation the engine uses.</summary>
[Collection(SalesforceEmulatorCollection.Name)]
public sealed class SalesforceRecordsClientTests(SalesforceEmulatorFixture emulator) : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => emulator.FaultsAsync(new { });

    public Task DisposeAsync()
    {
        _providers.ForEach(p => p.Dispose());
        return emulator.FaultsAsync(new { });
    }

    private Dictionary<string, string?> Settings(SalesforceAuthFlow flow)
    {
        var settings = emulator.Settings(flow);
        settings["Salesforce:JwtCertificate"] = emulator.JwtCertificatePem;
        settings["Salesforce:MaxRetries"] = "3";
        settings["Salesforce:RetryDelay"] = "00:00:00.100";
        settings["Salesforce:AttemptTimeout"] = "00:00:10";
        settings["Salesforce:TotalTimeout"] = "00:00:30";
        return settings;
    }

    private SalesforceRecordsClient Client(SalesforceAuthFlow flow = SalesforceAuthFlow.ClientCredentials, Action<Dictionary<string, string?>>? change = null, Action<IServiceCollection>? services = null)
    {
        var settings = Settings(flow);
        change?.Invoke(settings);
        var collection = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(SyncMap.Default)
            .AddSalesforceApi();
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<SalesforceRecordsClient>();
    }

    private static SalesforceWriteSet Creates(EntityKind entity, params Dictionary<string, string?>[] records) =>
        new(entity, records.Select((r, i) => new SalesforceCreate(AppId.Parse($"app-{Guid.NewGuid():N}"), r)).ToArray(), [], []);

    [Theory]
    [InlineData(SalesforceAuthFlow.JwtBearer)]
    [InlineData(SalesforceAuthFlow.ClientCredentials)]
    [InlineData(SalesforceAuthFlow.RefreshToken)]
    [InlineData(SalesforceAuthFlow.Password)]
    public async Task Every_auth_flow_gets_a_session_that_reads_and_writes(SalesforceAuthFlow flow)
    {
        var client = Client(flow);

        var written = await client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"Auth {flow} {_run}"))));
        var read = await client.ReadAsync(new SalesforceReadRequest([written.Creates[0].Id!.Value], [], [], [], [], []));

        Assert.Equal($"Auth {flow} {_run}", Assert.Single(read.Accounts).Field("Name"));
    }

    [Fact]
    public async Task Wrong_credentials_make_Salesforce_unavailable_with_Salesforces_reason_and_no_secret()
    {
        var client = Client(change: s => s["Salesforce:ClientSecret"] = "not-the-secret");

        var error = await Assert.ThrowsAsync<SideUnavailableException>(() => client.ReadAsync(new SalesforceReadRequest([], [], [], ["x"], [], [])));

        Assert.Equal(Side.Salesforce, error.Side);
        Assert.Contains("invalid_client", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_round_trip_with_partial_failures_updates_deletes_and_the_recycle_bin()
    {
        var client = Client();
        var created = await client.WriteAsync(Creates(EntityKind.Account,
            Fields.Of(("Name", $"Globex {_run}"), ("BillingCity", "Springfield")),
            Fields.Of(("Phone", "no name")),
            Fields.Of(("Name", $"Initech {_run}"), ("Phone", new string('9', 41)))));
        Assert.Equal([true, false, false], created.Creates.Select(c => c.Success));
        Assert.Equal(["REQUIRED_FIELD_MISSING", "STRING_TOO_LONG"], created.Creates.Skip(1).Select(c => c.ErrorCode));
        var account = created.Creates[0].Id!.Value;

        var contact = (await client.WriteAsync(Creates(EntityKind.Contact, Fields.Of(("FirstName", "Homer"), ("LastName", "Simpson"), ("Email", $"homer.{_run}@globex.example"), ("AccountId", account.Value))))).Creates[0].Id!.Value;
        var updated = await client.WriteAsync(new SalesforceWriteSet(EntityKind.Account, [], [new SalesforceUpdate(account, Fields.Of(("BillingCity", "Shelbyville"), ("Phone", null)))], []));
        Assert.True(updated.Updates[0].Success);

        var read = await client.ReadAsync(new SalesforceReadRequest([], [], [$"HOMER.{_run}@globex.example"], [$"globex {_run}"], [], [account]));
        Assert.Equal("Shelbyville", Assert.Single(read.Accounts).Field("BillingCity"));
        var readContact = Assert.Single(read.Contacts);
        Assert.Equal((contact, (SalesforceId?)account, "Homer"), (readContact.Id, readContact.ParentId, readContact.Field("FirstName")));

        var deleted = await client.WriteAsync(new SalesforceWriteSet(EntityKind.Account, [], [], [account, account]));
        Assert.Equal([true, false], deleted.Deletes.Select(d => d.Success));
        Assert.Equal("ENTITY_IS_DELETED", deleted.Deletes[1].ErrorCode);

        // Deleted rows stay readable by id (queryAll) with IsDeleted, and the account took its contact with it.
        var bin = await client.ReadAsync(new SalesforceReadRequest([account], [contact], [], [], [], []));
        Assert.True(Assert.Single(bin.Accounts).IsDeleted);
        Assert.True(Assert.Single(bin.Contacts).IsDeleted);
    }

    [Fact]
    public async Task The_change_feed_of_both_entities_costs_one_call_and_pages_past_2000_rows_without_gaps()
    {
        var client = Client();
        var before = await client.ReadChangesAsync([new SalesforceChangeQuery(EntityKind.Account, DateTimeOffset.MinValue, null, 1)]);
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var ids = new List<SalesforceId>();
        foreach (var chunk in Enumerable.Range(0, 2500).Chunk(1000))
        {
            var written = await client.WriteAsync(Creates(EntityKind.Account, chunk.Select(i => Fields.Of(("Name", $"Bulk {i} {_run}"))).ToArray()));
            ids.AddRange(written.Creates.Select(c => c.Id!.Value));
        }

        var calls = await emulator.UsedCallsAsync();
        var first = await client.ReadChangesAsync(
        [
            new SalesforceChangeQuery(EntityKind.Account, start, null, 2000),
            new SalesforceChangeQuery(EntityKind.Contact, start, null, 2000),
        ]);
        Assert.Equal(1, await emulator.UsedCallsAsync() - calls);

        var seen = first[0].Changes.ToList();
        Assert.True(first[0].HasMore);
        // Keyset pages until the feed has no more (other tests' rows may share the window, so it can take more than two).
        var last = first[0].Changes[^1];
        var second = first;
        for (var more = true; more;)
        {
            second = await client.ReadChangesAsync([new SalesforceChangeQuery(EntityKind.Account, last.SystemModstamp, last.Id, 2000)]);
            seen.AddRange(second[0].Changes);
            more = second[0].HasMore;
            last = second[0].Changes.Count > 0 ? second[0].Changes[^1] : last;
        }

        var missing = ids.Except(seen.Select(c => c.Id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} missing of {ids.Count}; seen {seen.Count}; first page {first[0].Changes.Count} last {last.SystemModstamp:O} {last.Id}; second {second[0].Changes.Count}");
        // A record another test changed between two pages comes back with its new stamp; no version comes twice.
        Assert.Equal(seen.Count, seen.Select(c => (c.Id, c.SystemModstamp)).Distinct().Count());
        Assert.NotEmpty(before);

        // A query whose LIMIT is above the page size follows nextRecordsUrl (other tests' rows may share the window).
        var big = await client.ReadChangesAsync([new SalesforceChangeQuery(EntityKind.Account, start, null, 3000)]);
        Assert.Subset(big[0].Changes.Select(c => c.Id).ToHashSet(), ids.ToHashSet());
    }

    [Fact]
    public async Task The_change_feed_says_in_its_one_call_what_is_committed_the_start_of_a_slow_transaction_while_it_is_open()
    {
        var client = Client();
        var account = (await client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"Slow {_run}"))))).Creates[0].Id!.Value;
        var query = new SalesforceChangeQuery(EntityKind.Account, DateTimeOffset.UtcNow.AddMinutes(-5), null, 2000);

        // With no transaction open, the org says everything up to the minute of the read is committed.
        var calls = await emulator.UsedCallsAsync();
        var idle = (await client.ReadChangesAsync([query, query with { Entity = EntityKind.Contact }]))[0];
        Assert.Equal(1, await emulator.UsedCallsAsync() - calls);
        Assert.NotNull(idle.Committed);
        Assert.Equal(0, idle.Committed!.Value.Second);
        Assert.InRange(idle.ReadAt!.Value - idle.Committed.Value, TimeSpan.Zero, TimeSpan.FromSeconds(61));

        // A person's slow update, started three minutes ago: until it commits, the org says only what was stamped before
        // its start (to the second), cut to the minute by the adapter.
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        using var begun = await http.PostAsJsonAsync("/__emulator/transactions", new { id = account.Value, fields = new { Phone = "555 0177" }, startedAgo = "00:03:00" });
        Assert.Equal(System.Net.HttpStatusCode.Created, begun.StatusCode);
        var transaction = (await begun.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!;
        var started = transaction["startedAt"]!.GetValue<DateTimeOffset>();
        DateTimeOffset? whileOpen;
        try
        {
            whileOpen = (await client.ReadChangesAsync([query]))[0].Committed;
            // The transaction holds the row: our write is refused, as Salesforce refuses it, after the adapter's retries.
            var locked = await client.WriteAsync(new SalesforceWriteSet(EntityKind.Account, [], [new SalesforceUpdate(account, Fields.Of(("Phone", "555 0100")))], []));
            Assert.Equal("UNABLE_TO_LOCK_ROW", locked.Updates[0].ErrorCode);
        }
        finally
        {
            using var commit = await http.PostAsync($"/__emulator/transactions/{transaction["transactionId"]}/commit", null);
            Assert.Equal(System.Net.HttpStatusCode.OK, commit.StatusCode);
        }

        Assert.Equal(new DateTimeOffset(started.UtcTicks - started.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero), whileOpen);

        // Committed, the update carries the stamp of its start, and the org says everything is committed again.
        var after = (await client.ReadChangesAsync([query]))[0];
        var change = Assert.Single(after.Changes, c => c.Id == account);
        Assert.Equal(started, change.SystemModstamp);
        Assert.Equal("555 0177", change.Fields!["Phone"]);
        Assert.InRange(after.ReadAt!.Value - after.Committed!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(61));
    }

    [Fact]
    public async Task An_expired_session_is_renewed_once_and_the_call_replayed()
    {
        var client = Client(SalesforceAuthFlow.JwtBearer);
        await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"nobody {_run}"], [], []));

        await emulator.ExpireSessionsAsync();
        var written = await client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"After expiry {_run}"))));

        Assert.True(written.Creates[0].Success);
    }

    [Fact]
    public async Task Throttling_is_waited_out_as_Retry_After_says()
    {
        var client = Client();
        await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"warm {_run}"], [], []));
        await emulator.FaultsAsync(new { throttleNext = 1, retryAfterSeconds = 1 });
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"throttled {_run}"], [], []));

        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_short_503_burst_is_retried_and_a_long_one_makes_Salesforce_unavailable()
    {
        var client = Client();
        await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"warm {_run}"], [], []));

        await emulator.FaultsAsync(new { unavailableNext = 2 });
        await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"burst {_run}"], [], []));

        await emulator.FaultsAsync(new { unavailableNext = 50 });
        var error = await Assert.ThrowsAsync<SideUnavailableException>(() => client.ReadAsync(new SalesforceReadRequest([], [], [], [$"outage {_run}"], [], [])));
        Assert.Contains("503", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_locked_by_another_transaction_is_written_on_a_short_retry()
    {
        var client = Client();
        await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"warm {_run}"], [], []));
        await emulator.FaultsAsync(new { lockRowNext = 1 });

        var written = await client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"Locked {_run}")), Fields.Of(("Name", $"Free {_run}"))));

        Assert.All(written.Creates, c => Assert.True(c.Success, c.ErrorCode));
        var read = await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"Locked {_run}", $"Free {_run}"], [], []));
        Assert.Equal(2, read.Accounts.Count);
    }

    [Fact]
    public async Task A_create_whose_answer_is_lost_is_replayed_safely_as_an_upsert_on_the_External_ID()
    {
        var client = Client(change: s => s["Salesforce:ExternalIdField"] = SalesforceEmulatorFixture.ExternalIdField);
        var appId = AppId.Parse($"app-{_run}");
        var create = new SalesforceWriteSet(EntityKind.Account, [new SalesforceCreate(appId, Fields.Of(("Name", $"Lost answer {_run}")))], [], []);
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"warm {_run}"], [], []));
        await emulator.FaultsAsync(new { dropAnswerNext = 1 });

        var written = await client.WriteAsync(create);
        var again = await client.WriteAsync(create with { Creates = [new SalesforceCreate(appId, Fields.Of(("Name", $"Lost answer {_run}"), ("BillingCity", "Ghent")))] });

        Assert.True(written.Creates[0].Success);
        Assert.Equal(written.Creates[0].Id, again.Creates[0].Id);
        var record = Assert.Single((await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"Lost answer {_run}"], [], []))).Accounts);
        Assert.Equal((written.Creates[0].Id, (AppId?)appId, "Ghent"), ((SalesforceId?)record.Id, record.ExternalAppId, record.Field("BillingCity")));
        Assert.True(record.CreatedByIntegrationUser);
        Assert.DoesNotContain(SalesforceEmulatorFixture.ExternalIdField, record.Fields.Keys);
        var feed = await client.ReadChangesAsync([new SalesforceChangeQuery(EntityKind.Account, start, null, 2000)]);
        Assert.Equal(appId, Assert.Single(feed[0].Changes, c => c.Id == record.Id).ExternalAppId);
    }

    [Fact]
    public async Task Without_an_External_ID_setting_creates_are_plain_and_records_carry_no_app_id()
    {
        var stamped = (await Client(change: s => s["Salesforce:ExternalIdField"] = SalesforceEmulatorFixture.ExternalIdField)
            .WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"Stamped {_run}"))))).Creates[0].Id!.Value;
        var client = Client(change: s => s["Salesforce:ExternalIdField"] = ""); // the deployment's default: empty

        var plain = (await client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"Plain {_run}"))))).Creates[0];
        var read = await client.ReadAsync(new SalesforceReadRequest([stamped, plain.Id!.Value], [], [], [], [], []));
        var withField = await Client(change: s => s["Salesforce:ExternalIdField"] = SalesforceEmulatorFixture.ExternalIdField)
            .ReadAsync(new SalesforceReadRequest([stamped, plain.Id!.Value], [], [], [], [], []));

        Assert.True(plain.Success, plain.ErrorCode);
        Assert.All(read.Accounts, a => Assert.Null(a.ExternalAppId));
        Assert.NotNull(Assert.Single(withField.Accounts, a => a.Id == stamped).ExternalAppId);
        Assert.Null(Assert.Single(withField.Accounts, a => a.Id == plain.Id).ExternalAppId);
    }

    [Fact]
    public async Task Records_a_person_created_are_told_from_the_integration_users_creates()
    {
        var client = Client(SalesforceAuthFlow.JwtBearer);
        var ours = (await client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"Ours {_run}"))))).Creates[0].Id!.Value;
        var (person, _) = await emulator.SignInAsync();
        string theirs;
        using (person)
        using (var created = await person.PostAsJsonAsync("/services/data/v62.0/sobjects/Account", new { Name = $"Theirs {_run}" }))
        {
            theirs = (await created.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<string>();
        }

        // A person's later edit does not make our record theirs, nor theirs ours.
        await client.WriteAsync(new SalesforceWriteSet(EntityKind.Account, [], [new SalesforceUpdate(SalesforceId.Parse(theirs), Fields.Of(("Phone", "555")))], []));
        var read = await client.ReadAsync(new SalesforceReadRequest([ours, SalesforceId.Parse(theirs)], [], [], [$"Ours {_run}", $"Theirs {_run}"], [], []));

        Assert.True(Assert.Single(read.Accounts, a => a.Id == ours).CreatedByIntegrationUser);
        Assert.False(Assert.Single(read.Accounts, a => a.Id == SalesforceId.Parse(theirs)).CreatedByIntegrationUser);
        Assert.All(read.Accounts, a => Assert.DoesNotContain("CreatedById", a.Fields.Keys));
    }

    [Fact]
    public async Task When_the_token_does_not_name_the_user_every_record_counts_as_the_integration_users()
    {
        using var login = new HttpClient { BaseAddress = emulator.BaseUrl };
        var client = Client(services: s => s.AddSingleton<ISalesforceTokenApi>(new AnonymousTokens(Refit.RestService.For<ISalesforceTokenApi>(login))));
        var (person, _) = await emulator.SignInAsync();
        string theirs;
        using (person)
        using (var created = await person.PostAsJsonAsync("/services/data/v62.0/sobjects/Account", new { Name = $"Unknown creator {_run}" }))
        {
            theirs = (await created.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<string>();
        }

        var read = await client.ReadAsync(new SalesforceReadRequest([SalesforceId.Parse(theirs)], [], [], [], [], []));

        Assert.True(Assert.Single(read.Accounts).CreatedByIntegrationUser);
    }

    [Fact]
    public async Task Usage_read_from_the_Limits_resource_matches_the_emulators_counter_and_becomes_LastUsage()
    {
        var client = Client();
        var before = await emulator.UsedCallsAsync();
        await emulator.SetUsageAsync(used: before + 1234, max: 1_000_000);
        try
        {
            Assert.Null(client.LastUsage);

            var usage = await client.ReadUsageAsync();

            var counted = await emulator.UsedCallsAsync();
            Assert.Equal(before + 1235, counted); // the Limits call itself counts, once
            Assert.Equal((counted, 1_000_000L), (usage.Used, usage.DailyMax));
            Assert.Equal(usage, client.LastUsage);
        }
        finally
        {
            await emulator.SetUsageAsync(used: before, max: 1_000_000);
        }
    }

    [Fact]
    public async Task Without_an_External_ID_a_create_whose_answer_is_lost_is_not_replayed()
    {
        var client = Client();
        await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"warm {_run}"], [], []));
        await emulator.FaultsAsync(new { dropAnswerNext = 1 });

        await Assert.ThrowsAsync<SideUnavailableException>(() => client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"Not replayed {_run}")))));

        // Applied once; the engine's pending-create marker finds it on the next attempt instead of creating it again.
        Assert.Single((await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"Not replayed {_run}"], [], []))).Accounts);
    }

    [Theory]
    [InlineData("x' OR Name != '")]
    [InlineData("x\\' OR Name != \\'")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("') OR (Name LIKE '%")]
    public async Task Injection_attempts_through_values_match_nothing_but_themselves(string hostile)
    {
        var client = Client();
        await client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"Bystander {_run}"))));

        var read = await client.ReadAsync(new SalesforceReadRequest([], [], [hostile], [hostile], [hostile], []));

        Assert.DoesNotContain(read.Accounts, a => a.Field("Name") == $"Bystander {_run}");
        Assert.Empty(read.Contacts);
    }

    [Fact]
    public async Task A_name_with_quotes_backslashes_and_wildcards_is_found_exactly()
    {
        var client = Client();
        var name = $"O'Brien \\ 100% _Co_ {_run}";
        await client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", name))));

        var exact = await client.ReadAsync(new SalesforceReadRequest([], [], [], [name], [], []));
        var fragment = await client.ReadAsync(new SalesforceReadRequest([], [], [], [], [$"100% _Co_ {_run}"], []));

        Assert.Equal(name, Assert.Single(exact.Accounts).Field("Name"));
        Assert.Equal(name, Assert.Single(fragment.Accounts).Field("Name"));
    }

    [Fact]
    public async Task Usage_is_read_from_every_answer_and_the_daily_limit_stops_calls_with_its_reason()
    {
        var client = Client();
        await client.ReadAsync(new SalesforceReadRequest([], [], [], [$"usage {_run}"], [], []));
        var used = await emulator.UsedCallsAsync();
        Assert.Equal(used, client.LastUsage!.Used);
        Assert.Equal(1_000_000, client.LastUsage.DailyMax);

        await emulator.SetUsageAsync(used: 1_000_000, max: 1_000_000);
        try
        {
            var error = await Assert.ThrowsAsync<SideUnavailableException>(() => client.ReadAsync(new SalesforceReadRequest([], [], [], [$"over {_run}"], [], [])));
            Assert.Contains("REQUEST_LIMIT_EXCEEDED", error.Reason, StringComparison.Ordinal);
            Assert.Equal(1.0, client.LastUsage!.Share);
        }
        finally
        {
            await emulator.SetUsageAsync(used: used, max: 1_000_000);
        }
    }

    /// <summary>A token endpoint whose answers do not name the user (no identity URL), as the adapter must tolerate.</summary>
    private sealed class AnonymousTokens(ISalesforceTokenApi inner) : ISalesforceTokenApi
    {
        public async Task<Refit.IApiResponse<TokenResponse>> TokenAsync(Dictionary<string, string> form, CancellationToken cancellationToken = default)
        {
            using var answer = await inner.TokenAsync(form, cancellationToken);
            Assert.NotNull(answer.Content?.Id); // the emulator does name it; this test takes it away
            var ok = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { RequestMessage = new HttpRequestMessage(HttpMethod.Post, "/services/oauth2/token") };
            return new Refit.ApiResponse<TokenResponse>(ok, answer.Content! with { Id = null }, new Refit.RefitSettings());
        }
    }

    [Fact]
    public async Task The_engine_syncs_emulator_accounts_and_contacts_into_the_app_with_at_most_two_calls_per_batch()
    {
        using var h = new SyncHarness(Settings(SalesforceAuthFlow.ClientCredentials), configure: services => services.AddSalesforceApi());
        var client = h.Get<SalesforceRecordsClient>();
        var account = (await client.WriteAsync(Creates(EntityKind.Account, Fields.Of(("Name", $"Engine Account {_run}"), ("BillingState", ""))))).Creates[0].Id!.Value;
        var contact = (await client.WriteAsync(Creates(EntityKind.Contact, Fields.Of(("FirstName", "Ada"), ("LastName", "Engine"), ("Email", $"ada.{_run}@engine.example"), ("AccountId", account.Value))))).Creates[0].Id!.Value;

        var calls = await emulator.UsedCallsAsync();
        await h.ReconcileAsync(EntityKind.Account, RecordKey.ForSalesforce(account));
        var accountCalls = await emulator.UsedCallsAsync() - calls;
        await h.ReconcileAsync(EntityKind.Contact, RecordKey.ForSalesforce(contact));

        var customer = h.App.All(EntityKind.Account).Single();
        Assert.Equal(account, customer.SalesforceId);
        Assert.Equal(customer.Id, h.App.All(EntityKind.Contact).Single().ParentId);
        Assert.InRange(accountCalls, 1, 2);

        h.App.Edit(customer.Id, Fields.Of(("state", "NV")));
        calls = await emulator.UsedCallsAsync();
        var result = await h.ReconcileAsync(EntityKind.Account, RecordKey.ForApp(customer.Id));
        Assert.Equal(2, await emulator.UsedCallsAsync() - calls);
        Assert.Equal(OutcomeKind.Updated, result.Outcomes.Single().Salesforce.Kind);
        Assert.Equal("NV", (await client.ReadAsync(new SalesforceReadRequest([account], [], [], [], [], []))).Accounts.Single().Field("BillingState"));
    }
}
