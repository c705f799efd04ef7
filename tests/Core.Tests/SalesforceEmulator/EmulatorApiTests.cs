using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.SalesforceEmulator;

/// <summary>The emulator speaks Salesforce's REST API: raw HTTP, the paths, headers, JSON and errors a real org returns.</summary>
[Collection(SalesforceEmulatorCollection.Name)]
public sealed class EmulatorApiTests(SalesforceEmulatorFixture emulator) : IAsyncLifetime, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = emulator.BaseUrl };
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await emulator.FaultsAsync(new { });
        using var token = await _http.PostAsync("/services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = SalesforceEmulatorFixture.ClientId,
            ["client_secret"] = SalesforceEmulatorFixture.ClientSecret,
            ["username"] = SalesforceEmulatorFixture.Username,
            ["password"] = SalesforceEmulatorFixture.Password + SalesforceEmulatorFixture.SecurityToken,
        }));
        var json = JsonNode.Parse(await token.Content.ReadAsStringAsync())!;
        Assert.Equal("Bearer", json["token_type"]!.GetValue<string>());
        Assert.Matches(@"^\d{13}$", json["issued_at"]!.GetValue<string>());
        Assert.EndsWith("/id/" + json["id"]!.GetValue<string>().Split("/id/")[1], json["id"]!.GetValue<string>(), StringComparison.Ordinal);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json["access_token"]!.GetValue<string>());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    [Fact]
    public async Task Token_errors_come_as_OAuth_error_JSON()
    {
        using var bad = await _http.PostAsync("/services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = SalesforceEmulatorFixture.ClientId,
            ["client_secret"] = SalesforceEmulatorFixture.ClientSecret,
            ["username"] = SalesforceEmulatorFixture.Username,
            ["password"] = "wrong",
        }));
        var json = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(("invalid_grant", "authentication failure"), (json["error"]!.GetValue<string>(), json["error_description"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Calls_without_a_session_get_401_INVALID_SESSION_ID()
    {
        using var anonymous = new HttpClient { BaseAddress = emulator.BaseUrl };
        using var response = await anonymous.GetAsync("/services/data/v62.0/limits");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("INVALID_SESSION_ID", body[0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_data_call_reports_usage_in_Sforce_Limit_Info_and_limits_agree()
    {
        var (status, limits, response) = await SendAsync(HttpMethod.Get, "/services/data/v62.0/limits");

        Assert.Equal(HttpStatusCode.OK, status);
        var header = Assert.Single(response.Headers.GetValues("Sforce-Limit-Info"));
        Assert.Matches(@"^api-usage=\d+/1000000$", header);
        Assert.Equal(1_000_000, limits!["DailyApiRequests"]!["Max"]!.GetValue<long>());
        response.Dispose();
    }

    [Fact]
    public async Task Single_record_resources_create_read_update_and_delete_with_Salesforce_status_codes()
    {
        var (created, body, r1) = await SendAsync(HttpMethod.Post, "/services/data/v62.0/sobjects/Account", new Dictionary<string, string> { ["Name"] = $"Single {_run}" });
        var id = body!["id"]!.GetValue<string>();
        var (updated, _, r2) = await SendAsync(HttpMethod.Patch, $"/services/data/v62.0/sobjects/Account/{id}", new Dictionary<string, string> { ["Phone"] = "555" });
        var (read, record, r3) = await SendAsync(HttpMethod.Get, $"/services/data/v62.0/sobjects/Account/{id}");
        var (deleted, _, r4) = await SendAsync(HttpMethod.Delete, $"/services/data/v62.0/sobjects/Account/{id}");
        var (again, error, r5) = await SendAsync(HttpMethod.Delete, $"/services/data/v62.0/sobjects/Account/{id}");
        var (missing, notFound, r6) = await SendAsync(HttpMethod.Get, $"/services/data/v62.0/sobjects/Account/{id}");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.NoContent, HttpStatusCode.OK, HttpStatusCode.NoContent), (created, updated, read, deleted));
        Assert.Matches(@"^001[A-Za-z0-9]{15}$", id);
        Assert.Equal("555", record!["Phone"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$", record["SystemModstamp"]!.GetValue<string>());
        Assert.Equal($"/services/data/v62.0/sobjects/Account/{id}", record["attributes"]!["url"]!.GetValue<string>());
        // As Salesforce answers a retrieve: every field of the object present, the unset ones null.
        var fields = record.AsObject();
        Assert.True(fields.ContainsKey("Fax") && fields["Fax"] is null, "an unset field is present and null");
        Assert.True(fields.ContainsKey("BillingCity") && fields.ContainsKey("OwnerId") && fields.ContainsKey("IsDeleted"));
        Assert.Equal((HttpStatusCode.NotFound, "ENTITY_IS_DELETED"), (again, error![0]!["errorCode"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (missing, notFound![0]!["errorCode"]!.GetValue<string>()));
        foreach (var r in new[] { r1, r2, r3, r4, r5, r6 })
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Queries_refuse_unknown_fields_and_bad_syntax_with_Salesforce_error_codes()
    {
        var (s1, b1, r1) = await SendAsync(HttpMethod.Get, "/services/data/v62.0/query?q=" + Uri.EscapeDataString("SELECT Id, Nmae FROM Account"));
        var (s2, b2, r2) = await SendAsync(HttpMethod.Get, "/services/data/v62.0/query?q=" + Uri.EscapeDataString("SELECT Id FROM Account WHERE"));

        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_FIELD"), (s1, b1![0]!["errorCode"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "MALFORMED_QUERY"), (s2, b2![0]!["errorCode"]!.GetValue<string>()));
        r1.Dispose();
        r2.Dispose();
    }

    [Fact]
    public async Task Id_keyset_pages_order_ids_case_sensitively_and_a_purged_record_is_gone_even_from_queryAll()
    {
        var created = new List<string>();
        for (var i = 0; i < 70; i++)
        {
            var (_, account, response) = await SendAsync(HttpMethod.Post, "/services/data/v62.0/sobjects/Account", new Dictionary<string, string> { ["Name"] = $"Keyset {_run} {i}" });
            created.Add(account!["id"]!.GetValue<string>());
            response.Dispose();
        }

        // 70 consecutive counters cover digits, upper and lower case in the last place: 'a' and 'A' are different ids.
        var read = new List<string>();
        string? after = null;
        while (true)
        {
            var where = after is null ? "" : $" WHERE Id > '{after}'";
            var (_, page, response) = await SendAsync(HttpMethod.Get, "/services/data/v62.0/queryAll?q=" + Uri.EscapeDataString($"SELECT Id FROM Account{where} ORDER BY Id LIMIT 25"));
            response.Dispose();
            var ids = page!["records"]!.AsArray().Select(r => r!["Id"]!.GetValue<string>()).ToList();
            read.AddRange(ids);
            if (ids.Count < 25)
            {
                break;
            }

            after = ids[^1];
        }

        Assert.Equal(read.Order(StringComparer.Ordinal), read);
        Assert.Equal(read.Distinct().Count(), read.Count);
        Assert.Subset(read.ToHashSet(), created.ToHashSet());

        (await SendAsync(HttpMethod.Delete, $"/services/data/v62.0/sobjects/Account/{created[0]}")).Response.Dispose();
        var (status, purged, r) = await SendAsync(HttpMethod.Post, "/__emulator/purge", new { ids = new[] { created[0], created[1] } });
        r.Dispose();
        var (_, all, r2) = await SendAsync(HttpMethod.Get, "/services/data/v62.0/queryAll?q=" + Uri.EscapeDataString($"SELECT Id FROM Account WHERE Id IN ('{created[0]}', '{created[1]}', '{created[2]}')"));
        r2.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, purged!["purged"]!.AsArray().Count);
        Assert.Equal([created[2]], all!["records"]!.AsArray().Select(x => x!["Id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deleting_an_account_sends_its_contacts_to_the_recycle_bin_where_only_queryAll_sees_them()
    {
        var (_, account, r1) = await SendAsync(HttpMethod.Post, "/services/data/v62.0/sobjects/Account", new Dictionary<string, string> { ["Name"] = $"Bin {_run}" });
        var accountId = account!["id"]!.GetValue<string>();
        var (_, contact, r2) = await SendAsync(HttpMethod.Post, "/services/data/v62.0/sobjects/Contact", new Dictionary<string, string> { ["LastName"] = $"Binned{_run}", ["AccountId"] = accountId });
        (await SendAsync(HttpMethod.Delete, $"/services/data/v62.0/sobjects/Account/{accountId}")).Response.Dispose();

        var soql = Uri.EscapeDataString($"SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Binned{_run}'");
        var (_, live, r3) = await SendAsync(HttpMethod.Get, "/services/data/v62.0/query?q=" + soql);
        var (_, all, r4) = await SendAsync(HttpMethod.Get, "/services/data/v62.0/queryAll?q=" + soql);

        Assert.Equal(0, live!["totalSize"]!.GetValue<int>());
        Assert.True(all!["records"]![0]!["IsDeleted"]!.GetValue<bool>());
        Assert.Equal(contact!["id"]!.GetValue<string>(), all["records"]![0]!["Id"]!.GetValue<string>());
        foreach (var r in new[] { r1, r2, r3, r4 })
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Collections_cap_at_200_records_and_Composite_at_25_subrequests()
    {
        var records = Enumerable.Range(0, 201).Select(i => new Dictionary<string, object> { ["attributes"] = new { type = "Account" }, ["Name"] = $"Cap {i}" }).ToArray();
        var (tooMany, error, r1) = await SendAsync(HttpMethod.Post, "/services/data/v62.0/composite/sobjects", new { allOrNone = false, records });
        var subrequests = Enumerable.Range(0, 26).Select(i => new { method = "GET", url = "/services/data/v62.0/limits", referenceId = $"r{i}" });
        var (tooLong, composite, r2) = await SendAsync(HttpMethod.Post, "/services/data/v62.0/composite", new { compositeRequest = subrequests });

        Assert.Equal((HttpStatusCode.BadRequest, "EXCEEDED_ID_LIMIT"), (tooMany, error![0]!["errorCode"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.NotNull(composite);
        r1.Dispose();
        r2.Dispose();
    }

    [Fact]
    public async Task Composite_subrequests_can_reference_earlier_results_and_count_as_one_call()
    {
        var before = await emulator.UsedCallsAsync();
        var (status, body, response) = await SendAsync(HttpMethod.Post, "/services/data/v62.0/composite", new
        {
            allOrNone = false,
            compositeRequest = new object[]
            {
                new { method = "POST", url = "/services/data/v62.0/sobjects/Account", referenceId = "acc", body = new { Name = $"Composite {_run}" } },
                new { method = "POST", url = "/services/data/v62.0/sobjects/Contact", referenceId = "con", body = new { LastName = "Ref", AccountId = "@{acc.id}" } },
                new { method = "GET", url = "/services/data/v62.0/sobjects/Contact/@{con.id}", referenceId = "read" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var responses = body!["compositeResponse"]!.AsArray();
        Assert.Equal([201, 201, 200], responses.Select(r => r!["httpStatusCode"]!.GetValue<int>()));
        Assert.Equal(responses[0]!["body"]!["id"]!.GetValue<string>(), responses[2]!["body"]!["AccountId"]!.GetValue<string>());
        Assert.Equal(1, await emulator.UsedCallsAsync() - before);
        response.Dispose();
    }

    [Fact]
    public async Task Records_carry_the_id_of_the_user_whose_session_created_them()
    {
        var (integration, integrationUser) = await emulator.SignInAsync(SalesforceEmulatorFixture.Username, SalesforceEmulatorFixture.Password + SalesforceEmulatorFixture.SecurityToken);
        var (person, personUser) = await emulator.SignInAsync();
        using (integration)
        using (person)
        {
            using var ours = await integration.PostAsJsonAsync("/services/data/v62.0/sobjects/Account", new { Name = $"By sync {_run}" });
            using var theirs = await person.PostAsJsonAsync("/services/data/v62.0/sobjects/Account", new { Name = $"By hand {_run}" });
            var theirsId = JsonNode.Parse(await theirs.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            using var edit = await integration.PatchAsJsonAsync($"/services/data/v62.0/sobjects/Account/{theirsId}", new { Phone = "555" });

            var soql = Uri.EscapeDataString($"SELECT Name, CreatedById, LastModifiedById, OwnerId FROM Account WHERE Name IN ('By sync {_run}', 'By hand {_run}')");
            var rows = (await integration.GetFromJsonAsync<JsonNode>("/services/data/v62.0/query?q=" + soql))!["records"]!.AsArray()
                .ToDictionary(r => r!["Name"]!.GetValue<string>(), r => r!);

            Assert.Matches("^005[A-Za-z0-9]{15}$", personUser);
            Assert.NotEqual(integrationUser, personUser);
            Assert.Equal((integrationUser, integrationUser), (rows[$"By sync {_run}"]["CreatedById"]!.GetValue<string>(), rows[$"By sync {_run}"]["OwnerId"]!.GetValue<string>()));
            Assert.Equal((personUser, integrationUser), (rows[$"By hand {_run}"]["CreatedById"]!.GetValue<string>(), rows[$"By hand {_run}"]["LastModifiedById"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task An_upsert_on_the_External_ID_updates_the_record_holding_the_value_instead_of_creating_another()
    {
        var external = $"app-{_run}";
        object Body(string city) => new { allOrNone = false, records = new[] { new Dictionary<string, object> { ["attributes"] = new { type = "Account" }, ["Name"] = $"Upserted {_run}", ["BillingCity"] = city, [SalesforceEmulatorFixture.ExternalIdField] = external } } };

        var (s1, first, r1) = await SendAsync(HttpMethod.Patch, $"/services/data/v62.0/composite/sobjects/Account/{SalesforceEmulatorFixture.ExternalIdField}", Body("Bruges"));
        var (s2, second, r2) = await SendAsync(HttpMethod.Patch, $"/services/data/v62.0/composite/sobjects/Account/{SalesforceEmulatorFixture.ExternalIdField}", Body("Ghent"));
        var soql = Uri.EscapeDataString($"SELECT Id, BillingCity, {SalesforceEmulatorFixture.ExternalIdField} FROM Account WHERE Name = 'Upserted {_run}'");
        var (_, rows, r3) = await SendAsync(HttpMethod.Get, "/services/data/v62.0/query?q=" + soql);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (s1, s2));
        Assert.Equal((true, false), (first![0]!["created"]!.GetValue<bool>(), second![0]!["created"]!.GetValue<bool>()));
        Assert.Equal(first[0]!["id"]!.GetValue<string>(), second[0]!["id"]!.GetValue<string>());
        var row = Assert.Single(rows!["records"]!.AsArray())!;
        Assert.Equal(("Ghent", external), (row["BillingCity"]!.GetValue<string>(), row[SalesforceEmulatorFixture.ExternalIdField]!.GetValue<string>()));
        foreach (var r in new[] { r1, r2, r3 })
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Replication_resources_list_updated_and_deleted_ids()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var (_, created, r1) = await SendAsync(HttpMethod.Post, "/services/data/v62.0/sobjects/Account", new Dictionary<string, string> { ["Name"] = $"Replicated {_run}" });
        var id = created!["id"]!.GetValue<string>();
        (await SendAsync(HttpMethod.Delete, $"/services/data/v62.0/sobjects/Account/{id}")).Response.Dispose();
        var end = DateTimeOffset.UtcNow.AddMinutes(2).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

        var (_, deleted, r2) = await SendAsync(HttpMethod.Get, $"/services/data/v62.0/sobjects/Account/deleted/?start={Uri.EscapeDataString(start)}&end={Uri.EscapeDataString(end)}");

        Assert.Contains(deleted!["deletedRecords"]!.AsArray(), d => d!["id"]!.GetValue<string>() == id);
        Assert.NotNull(deleted["earliestDateAvailable"]);
        r1.Dispose();
        r2.Dispose();
    }
}
