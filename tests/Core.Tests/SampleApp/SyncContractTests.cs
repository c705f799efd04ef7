using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.SampleApp;

/// <summary>The sample app conforms to the app sync API contract, spoken over raw HTTP as any implementer would be tested.</summary>
[Collection(SampleAppCollection.Name)]
public sealed class SyncContractTests(SampleAppFixture app) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = app.BaseUrl };

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage Sync(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", SampleAppFixture.ApiKey);
        return request;
    }

    private async Task<JsonNode> SendAsync(HttpRequestMessage request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    /// <summary>Reads the whole feed after a cursor and returns the entries and the cursor to read on from.</summary>
    private async Task<(List<JsonNode> Changes, string Cursor)> DrainAsync(string collection, string? cursor, int limit = 7)
    {
        var changes = new List<JsonNode>();
        while (true)
        {
            var page = await SendAsync(Sync(HttpMethod.Get, $"/sync/v1/{collection}/changes?limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")));
            changes.AddRange(page["changes"]!.AsArray()!.Select(c => c!));
            cursor = page["nextCursor"]!.GetValue<string>();
            if (!page["hasMore"]!.GetValue<bool>())
            {
                return (changes, cursor);
            }
        }
    }

    private async Task<string> CreateCustomerAsync(string name, object? extra = null)
    {
        var body = new JsonObject { ["name"] = name };
        if (extra is not null)
        {
            foreach (var (k, v) in JsonSerializer.SerializeToNode(extra)!.AsObject())
            {
                body[k] = v?.DeepClone();
            }
        }

        var created = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/customers") { Content = JsonContent.Create(body) }, HttpStatusCode.Created);
        return created["id"]!.GetValue<string>();
    }

    private async Task<string> CreateContactAsync(string name, string customerId) =>
        (await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/contacts") { Content = JsonContent.Create(new { name, customer_id = customerId }) }, HttpStatusCode.Created))["id"]!.GetValue<string>();

    [Fact]
    public async Task The_id_listing_pages_live_ids_in_ordinal_order_after_an_exclusive_id()
    {
        var created = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            created.Add(await CreateCustomerAsync($"Listed {i} Ltd")); // ids past 9 and past 19, where text and number order part
        }

        var kept = created[^1];

        var deleted = await CreateCustomerAsync("Unlisted Ltd");
        using (await _http.DeleteAsync($"/customers/{deleted}"))
        {
        }

        var ids = new List<JsonNode>();
        string? after = null;
        while (true)
        {
            var page = await SendAsync(Sync(HttpMethod.Get, "/sync/v1/customers/ids?limit=3" + (after is null ? "" : $"&after={after}")));
            var rows = page["ids"]!.AsArray().Select(i => i!).ToList();
            ids.AddRange(rows);
            if (!page["hasMore"]!.GetValue<bool>())
            {
                break;
            }

            after = rows[^1]["id"]!.GetValue<string>();
        }

        var listed = ids.Select(i => i["id"]!.GetValue<string>()).ToList();
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed); // "10" before "9": the order of the sync's link table
        Assert.Equal(listed.Distinct().Count(), listed.Count);
        Assert.Subset(listed.ToHashSet(), created.ToHashSet());
        Assert.DoesNotContain(deleted, listed);
        Assert.True(ids.Single(i => i["id"]!.GetValue<string>() == kept)["version"]!.GetValue<long>() > 0);
        using var bad = await _http.SendAsync(Sync(HttpMethod.Get, "/sync/v1/customers/ids?limit=0"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_change_made_by_a_user_appears_in_the_feed_exactly_once()
    {
        var (_, cursor) = await DrainAsync("customers", null, 2000);
        var id = await CreateCustomerAsync("Feed Once Ltd");
        await SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/customers/{id}") { Content = JsonContent.Create(new { city = "Oslo" }) });
        await SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/customers/{id}") { Content = JsonContent.Create(new { city = "Bergen" }) });

        var (changes, next) = await DrainAsync("customers", cursor);
        var (again, _) = await DrainAsync("customers", next);

        var mine = Assert.Single(changes, c => c["id"]!.GetValue<string>() == id);
        Assert.False(mine["deleted"]!.GetValue<bool>());
        Assert.DoesNotContain(again, c => c["id"]!.GetValue<string>() == id);
        var versions = changes.Select(c => c["version"]!.GetValue<long>()).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task Deletions_appear_and_a_deleted_customer_takes_its_contacts_with_it()
    {
        var customer = await CreateCustomerAsync("Gone Soon GmbH");
        var contact = (await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/contacts") { Content = JsonContent.Create(new { name = "Short Lived", email = "short@gone.example", customer_id = customer }) }, HttpStatusCode.Created))["id"]!.GetValue<string>();
        var (_, customersCursor) = await DrainAsync("customers", null, 2000);
        var (_, contactsCursor) = await DrainAsync("contacts", null, 2000);

        using (var delete = await _http.DeleteAsync($"/customers/{customer}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var customerChange = Assert.Single((await DrainAsync("customers", customersCursor)).Changes, c => c["id"]!.GetValue<string>() == customer);
        var contactChange = Assert.Single((await DrainAsync("contacts", contactsCursor)).Changes, c => c["id"]!.GetValue<string>() == contact);
        Assert.True(customerChange["deleted"]!.GetValue<bool>());
        Assert.True(contactChange["deleted"]!.GetValue<bool>());
        using var gone = await _http.GetAsync($"/contacts/{contact}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Concurrent_writers_never_make_the_feed_skip_a_change()
    {
        var (_, cursor) = await DrainAsync("customers", null, 2000);
        var written = new System.Collections.Concurrent.ConcurrentBag<(string Id, long Version)>();
        using var stop = new CancellationTokenSource();
        var seen = new Dictionary<string, long>();
        var reader = Task.Run(async () =>
        {
            // Reads while the writers write, as the planner would; every entry must move the cursor forward.
            var last = 0L;
            while (!stop.IsCancellationRequested)
            {
                var (changes, next) = await DrainAsync("customers", cursor, 50);
                foreach (var change in changes)
                {
                    var version = change["version"]!.GetValue<long>();
                    Assert.True(version > last, "the feed went backwards");
                    last = version;
                    seen[change["id"]!.GetValue<string>()] = version;
                }

                cursor = next;
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var created = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", new { records = new[] { new { fields = new Dictionary<string, string> { ["name"] = $"Writer {writer} record {i}" } } } }));
                var result = created["results"]![0]!;
                written.Add((result["id"]!.GetValue<string>(), result["version"]!.GetValue<long>()));
            }
        })));
        await Task.Delay(200);
        await stop.CancelAsync();
        await reader;
        var (rest, _) = await DrainAsync("customers", cursor, 2000);
        foreach (var change in rest)
        {
            seen[change["id"]!.GetValue<string>()] = change["version"]!.GetValue<long>();
        }

        Assert.Equal(200, written.Count);
        Assert.All(written, w => Assert.True(seen.TryGetValue(w.Id, out var v) && v >= w.Version, $"record {w.Id} version {w.Version} was never seen"));
    }

    [Fact]
    public async Task The_sync_API_refuses_a_missing_or_wrong_key_with_problem_details()
    {
        using var none = await _http.GetAsync("/sync/v1/customers/changes");
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/sync/v1/customers/changes");
        wrong.Headers.Add("X-Api-Key", "not-the-key");
        using var wrongResponse = await _http.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType!.MediaType);
        Assert.Contains("X-Api-Key", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_errors_are_per_record_and_the_other_records_are_written()
    {
        var result = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/contacts/upsert", new
        {
            records = new object[]
            {
                new { fields = new Dictionary<string, string?> { ["name"] = "Valid Person", ["email"] = "valid@example.com" } },
                new { fields = new Dictionary<string, string?> { ["name"] = "Bad Mail", ["email"] = "not-an-email" } },
                new { fields = new Dictionary<string, string?> { ["name"] = " " } },
                new { fields = new Dictionary<string, string?> { ["name"] = "Orphan" }, customerId = "999999" },
                new { id = "abc", fields = new Dictionary<string, string?> { ["name"] = "x" } },
                new { fields = new Dictionary<string, string?> { ["name"] = "Bad Field", ["Not A Field"] = "x" } },
            },
        }));

        var codes = result["results"]!.AsArray().Select(r => r!["success"]!.GetValue<bool>() ? "ok" : r["error"]!["code"]!.GetValue<string>()).ToList();
        Assert.Equal(["ok", "InvalidEmail", "Required", "NotFound", "InvalidId", "UnknownField"], codes);
    }

    [Fact]
    public async Task A_retried_create_with_a_Salesforce_id_returns_the_existing_record_unchanged()
    {
        var salesforceId = "001A" + Guid.NewGuid().ToString("N")[..11];
        object Body(string city) => new { records = new[] { new { fields = new Dictionary<string, string?> { ["name"] = "Retry Co", ["city"] = city }, salesforceId } } };

        var first = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", Body("Lyon"))))["results"]![0]!;
        var id = first["id"]!.GetValue<string>();
        var byUser = await SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/customers/{id}") { Content = JsonContent.Create(new { city = "Marseille" }) }); // after the lost answer
        var (_, cursor) = await DrainAsync("customers", null, 2000);
        var retry = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", Body("Nice"))))["results"]![0]!;
        var found = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/lookup", new { salesforceIds = new[] { salesforceId } }));
        var (changes, _) = await DrainAsync("customers", cursor, 2000);

        var version = byUser["version"]!.GetValue<long>();
        Assert.Equal((true, id, version, true), (retry["success"]!.GetValue<bool>(), retry["id"]!.GetValue<string>(), retry["version"]!.GetValue<long>(), retry["existing"]!.GetValue<bool>()));
        var record = Assert.Single(found["records"]!.AsArray())!;
        Assert.Equal(("Marseille", id, version), (record["fields"]!["city"]!.GetValue<string>(), record["id"]!.GetValue<string>(), record["version"]!.GetValue<long>()));
        Assert.DoesNotContain(changes, c => c["id"]!.GetValue<string>() == id); // nothing was written
    }

    [Fact]
    public async Task A_retried_create_of_a_record_flagged_sync_disabled_is_still_refused()
    {
        var salesforceId = "001A" + Guid.NewGuid().ToString("N")[..11];
        await CreateCustomerAsync("Private Retry Co", new { salesforce_id = salesforceId, sync_disabled = true });

        var retry = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", new { records = new[] { new { fields = new Dictionary<string, string?> { ["name"] = "Private Retry Co" }, salesforceId } } })))["results"]![0]!;

        Assert.False(retry["success"]!.GetValue<bool>());
        Assert.Equal("SyncDisabled", retry["error"]!["code"]!.GetValue<string>());
        Assert.Null(retry["existing"]);
    }

    [Fact]
    public async Task A_plain_create_and_an_update_answer_without_existing()
    {
        var salesforceId = "001A" + Guid.NewGuid().ToString("N")[..11];
        var results = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", new
        {
            records = new object[]
            {
                new { fields = new Dictionary<string, string?> { ["name"] = "Fresh Co" } },
                new { fields = new Dictionary<string, string?> { ["name"] = "Fresh Linked Co" }, salesforceId },
            },
        })))["results"]!.AsArray();
        var id = results[0]!["id"]!.GetValue<string>();
        var update = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", new { records = new[] { new { id, fields = new Dictionary<string, string?> { ["city"] = "Turin" } } } })))["results"]![0]!;

        Assert.All(results.Append(update), r => Assert.True(r!["success"]!.GetValue<bool>()));
        Assert.All(results.Append(update), r => Assert.False(r!["existing"]?.GetValue<bool>() ?? false));
    }

    [Fact]
    public async Task A_create_naming_the_Salesforce_id_of_a_deleted_record_creates_a_new_one()
    {
        var salesforceId = "001A" + Guid.NewGuid().ToString("N")[..11];
        var body = new { records = new[] { new { fields = new Dictionary<string, string?> { ["name"] = "Phoenix Co" }, salesforceId } } };
        var first = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", body)))["results"]![0]!["id"]!.GetValue<string>();
        await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/delete", new { ids = new[] { first } }));

        var second = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", body)))["results"]![0]!;

        Assert.True(second["success"]!.GetValue<bool>());
        Assert.NotEqual(first, second["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_conditional_update_is_refused_with_VersionConflict_after_a_users_edit_and_the_other_records_are_written()
    {
        var edited = await CreateCustomerAsync("Moved On AS", new { city = "Tromsø" });
        var untouched = await CreateCustomerAsync("Still Here AS", new { city = "Bodø" });
        var read = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/lookup", new { ids = new[] { edited, untouched } })))["records"]!.AsArray()
            .ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!["version"]!.GetValue<long>());
        var byUser = await SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/customers/{edited}") { Content = JsonContent.Create(new { city = "Oslo" }) });

        var results = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", new
        {
            records = new object[]
            {
                new { id = edited, fields = new Dictionary<string, string?> { ["city"] = "Paris" }, expectedVersion = read[edited] },
                new { id = untouched, fields = new Dictionary<string, string?> { ["city"] = "Rome" }, expectedVersion = read[untouched] },
            },
        })))["results"]!.AsArray();
        var after = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/lookup", new { ids = new[] { edited, untouched } })))["records"]!.AsArray()
            .ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!);

        Assert.Equal("VersionConflict", results[0]!["error"]!["code"]!.GetValue<string>());
        Assert.False(results[0]!["success"]!.GetValue<bool>());
        Assert.True(results[1]!["success"]!.GetValue<bool>());
        Assert.Equal(("Oslo", byUser["version"]!.GetValue<long>()), (after[edited]["fields"]!["city"]!.GetValue<string>(), after[edited]["version"]!.GetValue<long>()));
        Assert.Equal(("Rome", results[1]!["version"]!.GetValue<long>()), (after[untouched]["fields"]!["city"]!.GetValue<string>(), after[untouched]["version"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Conditional_updates_made_from_the_same_read_let_exactly_one_writer_win()
    {
        var id = await CreateCustomerAsync("Contended Ltd");
        var version = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/lookup", new { ids = new[] { id } })))["records"]![0]!["version"]!.GetValue<long>();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
            (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", new { records = new[] { new { id, fields = new Dictionary<string, string?> { ["city"] = $"City {writer}" }, expectedVersion = version } } })))["results"]![0]!)));
        var final = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/lookup", new { ids = new[] { id } })))["records"]![0]!;

        var winners = results.Select((r, writer) => (r, writer)).Where(x => x.r["success"]!.GetValue<bool>()).ToList();
        var winner = Assert.Single(winners);
        Assert.All(results.Where(r => !r["success"]!.GetValue<bool>()), r => Assert.Equal("VersionConflict", r["error"]!["code"]!.GetValue<string>()));
        Assert.Equal(($"City {winner.writer}", winner.r["version"]!.GetValue<long>()), (final["fields"]!["city"]!.GetValue<string>(), final["version"]!.GetValue<long>()));
    }

    [Fact]
    public async Task A_lookup_by_customer_returns_the_live_contacts_of_those_customers_only()
    {
        var first = await CreateCustomerAsync("Parent One Oy");
        var second = await CreateCustomerAsync("Parent Two Oy");
        var other = await CreateCustomerAsync("Parent Other Oy");
        var live = await CreateContactAsync("Live One", first);
        var gone = await CreateContactAsync("Gone One", first);
        var ofSecond = await CreateContactAsync("Live Two", second);
        await CreateContactAsync("Not Asked", other);
        using (var delete = await _http.DeleteAsync($"/contacts/{gone}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var contacts = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/contacts/lookup", new { customerIds = new[] { first, second, "not-an-id" }, includeDeleted = true }));
        var customers = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/lookup", new { customerIds = new[] { first } }));

        Assert.Equal(new[] { live, ofSecond }.Order(), contacts["records"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Order());
        Assert.All(contacts["records"]!.AsArray(), r => Assert.False(r!["deleted"]!.GetValue<bool>()));
        Assert.Empty(customers["records"]!.AsArray());
    }

    [Fact]
    public async Task With_includeDeleted_a_record_asked_for_by_id_comes_back_as_a_tombstone_with_what_it_held()
    {
        var salesforceId = "003A" + Guid.NewGuid().ToString("N")[..11];
        var email = $"tomb.{Guid.NewGuid():N}@stone.example";
        var customer = await CreateCustomerAsync("Tombstone Partners");
        var contact = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/contacts/upsert", new { records = new[] { new { fields = new Dictionary<string, string?> { ["name"] = "Tom Stone", ["email"] = email }, salesforceId, customerId = customer } } })))["results"]![0]!["id"]!.GetValue<string>();
        var alive = await CreateContactAsync("Still Alive", await CreateCustomerAsync("Alive Partners"));
        using (var delete = await _http.DeleteAsync($"/customers/{customer}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode); // takes the contact with it
        }

        var tombstones = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/contacts/lookup", new { ids = new[] { contact, alive }, includeDeleted = true })))["records"]!.AsArray()
            .ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!);
        var withoutFlag = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/contacts/lookup", new { ids = new[] { contact } }));
        var bySalesforceId = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/contacts/lookup", new { salesforceIds = new[] { salesforceId }, includeDeleted = true }));
        var otherLists = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/contacts/lookup", new { emails = new[] { email }, names = new[] { "Tom Stone" }, customerIds = new[] { customer }, includeDeleted = true }));
        var liveOnly = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/contacts/lookup", new { salesforceIds = new[] { salesforceId } }));
        var deletedCustomer = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/lookup", new { ids = new[] { customer }, includeDeleted = true }));

        var tombstone = tombstones[contact];
        Assert.True(tombstone["deleted"]!.GetValue<bool>());
        Assert.Equal((customer, salesforceId, email), (tombstone["customerId"]!.GetValue<string>(), tombstone["salesforceId"]!.GetValue<string>(), tombstone["fields"]!["email"]!.GetValue<string>()));
        Assert.False(tombstones[alive]["deleted"]!.GetValue<bool>());
        Assert.Empty(withoutFlag["records"]!.AsArray());
        Assert.Empty(otherLists["records"]!.AsArray());
        Assert.Empty(liveOnly["records"]!.AsArray());
        Assert.True(Assert.Single(bySalesforceId["records"]!.AsArray())!["deleted"]!.GetValue<bool>()); // a lost create finds what it made
        var customerTombstone = Assert.Single(deletedCustomer["records"]!.AsArray())!;
        Assert.Equal(("Tombstone Partners", true), (customerTombstone["fields"]!["name"]!.GetValue<string>(), customerTombstone["deleted"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task A_record_flagged_sync_disabled_is_refused_by_the_sync_API_but_editable_by_its_users()
    {
        var id = await CreateCustomerAsync("Private Co", new { sync_disabled = true });

        var bySync = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/upsert", new { records = new[] { new { id, fields = new Dictionary<string, string?> { ["city"] = "Rome" } } } }));
        var byUser = await SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/customers/{id}") { Content = JsonContent.Create(new { city = "Milan" }) });

        Assert.Equal("SyncDisabled", bySync["results"]![0]!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Milan", byUser["city"]!.GetValue<string>());
        var record = (await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/lookup", new { ids = new[] { id } })))["records"]![0]!;
        Assert.True(record["syncDisabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Lookups_match_emails_and_names_case_insensitively()
    {
        var customer = await CreateCustomerAsync("Lookup Case Inc");
        await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/contacts") { Content = JsonContent.Create(new { name = "Casey Lookup", email = "Casey.Lookup@Example.com", customer_id = customer }) }, HttpStatusCode.Created);

        var contacts = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/contacts/lookup", new { emails = new[] { " casey.lookup@example.COM " } }));
        var customers = await SendAsync(Sync(HttpMethod.Post, "/sync/v1/customers/lookup", new { names = new[] { "lookup case inc" } }));

        Assert.Equal(customer, Assert.Single(contacts["records"]!.AsArray())!["customerId"]!.GetValue<string>());
        Assert.Equal(customer, Assert.Single(customers["records"]!.AsArray())!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("POST", "/sync/v1/customers/upsert", "{bad json", "invalid start")]
    [InlineData("POST", "/sync/v1/customers/upsert", "{\"records\": []}", "1 to 200")]
    [InlineData("GET", "/sync/v1/customers/changes?cursor=nonsense", null, "cursor")]
    [InlineData("GET", "/sync/v1/customers/changes?limit=5000", null, "limit")]
    [InlineData("POST", "/sync/v1/leads/lookup", "{}", "customers or contacts")]
    public async Task Bad_requests_get_problem_details_that_say_what_is_wrong(string method, string path, string? body, string says)
    {
        var request = Sync(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is 400 or 404, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(says, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_operation_of_the_published_contract_is_served()
    {
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "app-sync-api.openapi.json")));
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name.Replace("{collection}", "customers", StringComparison.Ordinal), Method: op.Name.ToUpperInvariant())))
            .ToList();

        Assert.Equal(6, operations.Count);
        foreach (var (path, method) in operations)
        {
            var request = Sync(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = new StringContent(path.EndsWith("/lookup", StringComparison.Ordinal) ? "{}" : path.EndsWith("/delete", StringComparison.Ordinal) ? "{\"ids\":[\"1\"]}" : "{\"records\":[{\"fields\":{\"name\":\"Contract Check\"}}]}", System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await _http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
        }
    }
}
