using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SfSync.Tests.Infrastructure;

/// <summary>
/// The Salesforce emulator as its own process on a free loopback port, with a JWT signing certificate made for the
/// run (the private key stays with the tests, the certificate goes to the emulator) and an External ID field.
/// </summary>
public sealed class SalesforceEmulatorFixture : IAsyncLifetime
{
    public const string ClientId = "test-client";
    public const string ClientSecret = "test-secret-5e2a";
    public const string Username = "sync@test.example";
    public const string Password = "test-password";
    public const string SecurityToken = "TOKEN42";
    public const string ExternalIdField = "App_Id__c";

    /// <summary>The org's person: tests log in as this user to act as a human in Salesforce.</summary>
    public const string PersonUsername = "someone@test.example";
    public const string PersonPassword = "person-password-7d";

    private readonly string _dir = Directory.CreateTempSubdirectory("sfsync-emulator-").FullName;
    private ChildProcess? _process;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The JWT certificate with its private key, as the connector's setting holds it (PEM text).</summary>
    public string JwtCertificatePem { get; private set; } = "";

    /// <summary>The connector's settings for this emulator and flow: every credential the flows need (resilience not included).</summary>
    public Dictionary<string, string?> Settings(SfSync.Salesforce.Rest.SalesforceAuthFlow flow) => new()
    {
        ["Salesforce:LoginUrl"] = BaseUrl.ToString(),
        ["Salesforce:AuthFlow"] = flow.ToString(),
        ["Salesforce:ClientId"] = ClientId,
        ["Salesforce:ClientSecret"] = flow is SfSync.Salesforce.Rest.SalesforceAuthFlow.ClientCredentials or SfSync.Salesforce.Rest.SalesforceAuthFlow.Password ? ClientSecret : null,
        ["Salesforce:Username"] = Username,
        ["Salesforce:Password"] = Password,
        ["Salesforce:SecurityToken"] = SecurityToken,
        ["Salesforce:RefreshToken"] = "local-refresh-token",
    };

    public async Task InitializeAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=sfsync-tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = Path.Combine(_dir, "jwt.crt");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        JwtCertificatePem = certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem();

        var dll = RepoPaths.Built(Path.Combine("local", "SalesforceEmulator"), "SfSync.SalesforceEmulator.dll");
        var port = ChildProcess.FreePort();
        _process = ChildProcess.Start("dotnet",
        [
            dll,
            "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--Emulator:ClientId", ClientId,
            "--Emulator:ClientSecret", ClientSecret,
            "--Emulator:Username", Username,
            "--Emulator:Password", Password,
            "--Emulator:SecurityToken", SecurityToken,
            "--Emulator:PersonUsername", PersonUsername,
            "--Emulator:PersonPassword", PersonPassword,
            "--Emulator:JwtCertificatePath", certificatePath,
            "--Emulator:DailyApiLimit", "1000000",
            "--Emulator:CustomFields:Account:0", ExternalIdField,
            "--Emulator:CustomFields:Contact:0", ExternalIdField,
            "--Logging:LogLevel:Default", "Warning",
        ], _dir);
        await _process.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>
    /// A data API client signed in (password flow) as <paramref name="username"/> — the person by default, so that what
    /// a test does with it is what a human does in Salesforce — and the user id the token's identity URL names.
    /// </summary>
    public async Task<(HttpClient Http, string UserId)> SignInAsync(string username = PersonUsername, string password = PersonPassword)
    {
        using var login = new HttpClient { BaseAddress = BaseUrl };
        using var token = await login.PostAsync("/services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
            ["username"] = username,
            ["password"] = password,
        }));
        var json = System.Text.Json.Nodes.JsonNode.Parse(await token.Content.ReadAsStringAsync())!;
        Assert.True(token.IsSuccessStatusCode, json.ToJsonString());
        var http = new HttpClient { BaseAddress = BaseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", json["access_token"]!.GetValue<string>());
        return (http, json["id"]!.GetValue<string>().Split('/')[^1]);
    }

    /// <summary>Sets faults for the next calls (the emulator's admin endpoint).</summary>
    public async Task FaultsAsync(object faults)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        using var response = await http.PutAsJsonAsync("/__emulator/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    public async Task<long> UsedCallsAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        var usage = await http.GetFromJsonAsync<Usage>("/__emulator/usage");
        return usage!.Used;
    }

    public async Task SetUsageAsync(long used, long max)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        using var response = await http.PutAsJsonAsync("/__emulator/usage", new { used, max });
        response.EnsureSuccessStatusCode();
    }

    public async Task ExpireSessionsAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        using var response = await http.PostAsync("/__emulator/sessions/expire", null);
        response.EnsureSuccessStatusCode();
    }

    public Task DisposeAsync()
    {
        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private sealed record Usage(long Used, long Max);
}

[CollectionDefinition(Name)]
public sealed class SalesforceEmulatorCollection : ICollectionFixture<SalesforceEmulatorFixture>
{
    public const string Name = "SalesforceEmulator";
}
