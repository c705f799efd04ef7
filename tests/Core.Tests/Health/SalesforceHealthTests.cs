using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SfSync.Mapping;
using SfSync.Salesforce.Rest;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Health;

/// <summary>
/// What health says about Salesforce, against the emulator over HTTP, for each way a connection breaks: a refused
/// connected app, a refused user, a revoked refresh token, nothing listening, and an org that answers too slowly.
/// </summary>
[Collection(SalesforceEmulatorCollection.Name)]
public sealed class SalesforceHealthTests(SalesforceEmulatorFixture emulator) : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];

    public Task InitializeAsync() => emulator.FaultsAsync(new { });

    public Task DisposeAsync()
    {
        _providers.ForEach(p => p.Dispose());
        return emulator.FaultsAsync(new { });
    }

    private SalesforceRecordsClient Client(SalesforceAuthFlow flow, Action<Dictionary<string, string?>>? change = null)
    {
        var settings = emulator.Settings(flow);
        settings["Salesforce:MaxRetries"] = "0";
        settings["Salesforce:RetryDelay"] = "00:00:00";
        settings["Salesforce:AttemptTimeout"] = "00:00:02";
        settings["Salesforce:TotalTimeout"] = "00:00:05";
        change?.Invoke(settings);
        var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(SyncMap.Default)
            .AddSalesforceApi()
            .BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<SalesforceRecordsClient>();
    }

    [Fact]
    public async Task A_working_connection_has_no_problem()
    {
        Assert.Null(await Client(SalesforceAuthFlow.Password).ProblemAsync());
    }

    [Fact]
    public async Task A_refused_client_id_is_a_refused_client()
    {
        var problem = await Client(SalesforceAuthFlow.ClientCredentials, s => s["Salesforce:ClientId"] = "not-our-app").ProblemAsync();

        Assert.Equal(ConnectionProblem.ClientRefused, problem!.Kind);
        Assert.Contains("invalid_client_id", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_a_refused_user()
    {
        var problem = await Client(SalesforceAuthFlow.Password, s => s["Salesforce:Password"] = "wrong").ProblemAsync();

        Assert.Equal(ConnectionProblem.CredentialsRefused, problem!.Kind);
        Assert.Contains("invalid_grant", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_refresh_token_is_an_expired_refresh_token()
    {
        await emulator.FaultsAsync(new { refreshTokenRevoked = true });

        var problem = await Client(SalesforceAuthFlow.RefreshToken).ProblemAsync();

        Assert.Equal(ConnectionProblem.RefreshTokenExpired, problem!.Kind);
    }

    [Fact]
    public async Task A_login_host_nothing_listens_on_is_unreachable()
    {
        var port = ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture);

        var problem = await Client(SalesforceAuthFlow.Password, s => s["Salesforce:LoginUrl"] = $"http://127.0.0.1:{port}/").ProblemAsync();

        Assert.Equal(ConnectionProblem.Unreachable, problem!.Kind);
    }

    [Fact]
    public async Task An_org_that_answers_too_slowly_is_timing_out()
    {
        var client = Client(SalesforceAuthFlow.Password);
        Assert.Null(await client.ProblemAsync()); // signed in: only the data call is slow
        await emulator.FaultsAsync(new { latencyMs = 6000 });

        var problem = await client.ProblemAsync();

        Assert.Equal(ConnectionProblem.TimedOut, problem!.Kind);
    }
}
