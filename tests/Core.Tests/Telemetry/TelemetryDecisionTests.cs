using Microsoft.Extensions.Configuration;
using SfSync.Functions.Telemetry;
using SfSync.Planning;
using SfSync.Telemetry;

namespace SfSync.Tests.Telemetry;

public sealed class TelemetryDecisionTests
{
    [Theory]
    [InlineData(null, null, 2, 0, RunOutcomeKind.Planned)]
    [InlineData(null, null, 0, 1, RunOutcomeKind.Planned)]
    [InlineData(null, null, 0, 0, RunOutcomeKind.Idle)]
    [InlineData("usage at 0.81", null, 0, 0, RunOutcomeKind.Paused)]
    [InlineData(null, "queue refused", 3, 0, RunOutcomeKind.NotSent)]
    public void A_run_outcome_is_one_of_its_cases(string? paused, string? sendError, int newBatches, int resent, RunOutcomeKind expected) =>
        Assert.Equal(expected, RunOutcome.Of(new PlanOutcome("r", [], newBatches, newBatches * 10, resent, paused, sendError)));

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("", null, false)]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000000", null, true)]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000000", "ClientId=abc;Authorization=AAD", true)]
    public void Nothing_is_exported_unless_a_connection_string_is_configured(string? connectionString, string? authentication, bool exported)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [AzureMonitorSettings.ConnectionStringKey] = connectionString,
            [AzureMonitorSettings.AuthenticationKey] = authentication,
        }).Build();

        var settings = AzureMonitorSettings.From(configuration);

        Assert.Equal(exported, settings is not null);
        Assert.Equal(authentication is not null, settings?.Entra ?? false);
        Assert.Equal(authentication is null ? null : "abc", settings?.ClientId);
    }

    [Theory]
    [InlineData("no address here", "no address here")]
    [InlineData("jane.doe@example.com", "j***@example.com")]
    [InlineData("from a@b.io and Bob.Smith+x@corp.example.org.", "from a***@b.io and B***@corp.example.org.")]
    public void E_mail_addresses_are_masked(string text, string expected) => Assert.Equal(expected, EmailMask.Mask(text));

    [Fact]
    public void Every_outcome_an_event_reports_is_one_the_queries_know()
    {
        Assert.Equal("Applied", LogOutcome.For("BatchApplied"));
        Assert.Null(LogOutcome.For("KeysReconciled"));
        Assert.Null(LogOutcome.For(null));
    }
}
