using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SfSync.Seed;

namespace SfSync.FunctionsHost;

/// <summary>
/// The commands the local run prints after its first sync, so a person can try a two-way edit by hand: a person's OAuth
/// token from the emulator, an edit of one linked company on each side, a sync, and a look at both sides. They name the
/// stand-ins' real (random) ports and the ids of a company the first sync linked, so they work as printed in bash.
/// </summary>
internal static class TryItCommands
{
    /// <summary>The first line of the block; the tests find the commands after it.</summary>
    public const string Heading = "Try a two-way edit by hand (bash, while this run is up):";

    // The emulator's documented local credentials (docs/salesforce.md), public like the local function key: a person
    // edits, so the change is not taken for the sync's own echo.
    private const string PersonUsername = "person@example.com";
    private const string PersonPassword = "person-password";

    public static async Task<IReadOnlyList<string>> BuildAsync(int seed, int port, LocalSettings settings, string functionKeyShown, CancellationToken cancellationToken)
    {
        var salesforce = settings["Salesforce__LoginUrl"]!.TrimEnd('/');
        var app = settings["App__BaseUrl"]!.TrimEnd('/');
        var version = settings["Salesforce__ApiVersion"] ?? "v62.0";
        var clientId = settings["Salesforce__ClientId"] ?? "local-client-id";
        var clientSecret = Shown(settings, "Salesforce__ClientSecret", "local-client-secret");
        var apiKey = Shown(settings, "App__ApiKey", "local-dev-key");

        // The last company seeded on both sides: linked by the first sync, and one the end-to-end tests leave alone.
        var company = DemoSeed.SalesforceAccounts(seed).Last(c => DemoSeed.IsShared(c.Index));
        using var http = new HttpClient { BaseAddress = new Uri(app + "/") };
        http.DefaultRequestHeaders.Add("X-Api-Key", settings["App__ApiKey"]);
        using var lookup = await http.PostAsJsonAsync("sync/v1/customers/lookup", new { names = new[] { company.Name } }, cancellationToken);
        var record = (await lookup.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))?["records"]?.AsArray().FirstOrDefault();
        if (record?["id"]?.ToString() is not { } customerId || record["salesforceId"]?.ToString() is not { Length: > 0 } accountId)
        {
            return [];
        }

        var api = $"http://127.0.0.1:{port}/api";
        return
        [
            Heading,
            $"  # the Salesforce emulator: {salesforce}   the sample app: {app}   the Functions host: {api}",
            $"  # a person's OAuth token from the emulator (password flow; the sync signs in as the integration user):",
            $"  TOKEN=$(curl -s {salesforce}/services/oauth2/token -d grant_type=password -d client_id={clientId} -d client_secret={clientSecret} -d username={PersonUsername} -d password={PersonPassword} | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')",
            $"  # edit {company.Name} in Salesforce, and its customer in the app:",
            $"  curl -s -X PATCH {salesforce}/services/data/{version}/sobjects/Account/{accountId} -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{{\"Phone\":\"+1 555 0199\"}}'",
            $"  curl -s -X PATCH {app}/customers/{customerId} -H 'X-Api-Key: {apiKey}' -H 'Content-Type: application/json' -d '{{\"city\":\"Paris\"}}' > /dev/null",
            $"  # sync now (or wait for the timer), and see the run:",
            $"  curl -s -X POST {api}/sync -H 'x-functions-key: {functionKeyShown}'; echo",
            $"  sleep 5; curl -s '{api}/sync/runs?max=1' -H 'x-functions-key: {functionKeyShown}'; echo",
            $"  # each edit arrived on the other side:",
            $"  curl -s {app}/customers/{customerId} -H 'X-Api-Key: {apiKey}'; echo",
            $"  curl -s {salesforce}/services/data/{version}/sobjects/Account/{accountId} -H \"Authorization: Bearer $TOKEN\"; echo",
        ];
    }

    /// <summary>A documented local credential is shown; one set in the settings is a secret and is named instead.</summary>
    private static string Shown(LocalSettings settings, string name, string documented) =>
        settings[name] is { } value && value != documented ? $"\"${name}\"" : documented;
}
