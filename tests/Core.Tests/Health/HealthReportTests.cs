using SfSync.Health;
using SfSync.Http;
using SfSync.Queue;
using SfSync.Salesforce;
using SfSync.Salesforce.Rest;

namespace SfSync.Tests.Health;

/// <summary>The decisions health is made of: what a refused token means, what a failed call ran into, what the report says.</summary>
public sealed class HealthReportTests
{
    [Theory]
    [InlineData(SalesforceAuthFlow.ClientCredentials, "invalid_client_id", ConnectionProblem.ClientRefused)]
    [InlineData(SalesforceAuthFlow.Password, "invalid_client", ConnectionProblem.ClientRefused)]
    [InlineData(SalesforceAuthFlow.Password, "invalid_grant", ConnectionProblem.CredentialsRefused)]
    [InlineData(SalesforceAuthFlow.JwtBearer, "invalid_grant", ConnectionProblem.CredentialsRefused)]
    [InlineData(SalesforceAuthFlow.ClientCredentials, "invalid_grant", ConnectionProblem.CredentialsRefused)]
    [InlineData(SalesforceAuthFlow.RefreshToken, "invalid_grant", ConnectionProblem.RefreshTokenExpired)]
    [InlineData(SalesforceAuthFlow.RefreshToken, "invalid_client_id", ConnectionProblem.ClientRefused)]
    [InlineData(SalesforceAuthFlow.Password, "unsupported_grant_type", ConnectionProblem.ErrorAnswer)]
    [InlineData(SalesforceAuthFlow.Password, null, ConnectionProblem.ErrorAnswer)]
    public void A_refused_token_request_means_what_its_flow_and_error_say(SalesforceAuthFlow flow, string? error, ConnectionProblem expected)
    {
        Assert.Equal(expected, TokenRefusal.Of(flow, error));
    }

    public static TheoryData<string, Exception, ConnectionProblem> Transport => new()
    {
        { "connection refused", new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"), ConnectionProblem.Unreachable },
        { "name not resolved", new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known"), ConnectionProblem.Unreachable },
        { "circuit open", new Polly.CircuitBreaker.BrokenCircuitException(), ConnectionProblem.Unreachable },
        { "pipeline timeout", new Polly.Timeout.TimeoutRejectedException(), ConnectionProblem.TimedOut },
        { "HttpClient timeout", new TaskCanceledException("timeout", new TimeoutException()), ConnectionProblem.TimedOut },
        { "anything else", new InvalidOperationException(), ConnectionProblem.ErrorAnswer },
    };

    [Theory]
    [MemberData(nameof(Transport))]
    public void A_call_without_an_answer_is_unreachable_or_timing_out(string why, Exception failure, ConnectionProblem expected)
    {
        Assert.True(TransportProblem.Of(failure) == expected, why);
    }

    private static readonly ApiUsage Low = new(100, 15_000, DateTimeOffset.UnixEpoch);
    private static readonly ApiUsage High = new(14_000, 15_000, DateTimeOffset.UnixEpoch);
    private static readonly DeadLetterListing Empty = new(0, false, []);
    private static readonly DeadLetterListing Some = new(3, false, []);
    private static readonly SideProblem Refused = new(ConnectionProblem.CredentialsRefused, "authentication failed (Password): invalid_grant: authentication failure");
    private static readonly SideProblem Down = new(ConnectionProblem.Unreachable, "Connection refused");

    public static TheoryData<string, SideProblem?, ApiUsage?, SideProblem?, DeadLetterListing?, HealthStatus, string> Reports => new()
    {
        { "every part answers", null, Low, null, Empty, HealthStatus.Healthy, "Every part answers." },
        { "usage above the pause share", null, High, null, Empty, HealthStatus.Degraded, "API usage 14000/15000 is above the pause threshold" },
        { "messages dead-lettered", null, Low, null, Some, HealthStatus.Degraded, "3 messages in the dead-letter queue" },
        { "Salesforce refuses the user", Refused, null, null, Empty, HealthStatus.Unhealthy, "Salesforce: the user was refused" },
        { "the app is down", null, Low, Down, Empty, HealthStatus.Unhealthy, "The app: unreachable (no connection) (Connection refused)" },
        { "both broken: Salesforce named first", Refused, null, Down, Empty, HealthStatus.Unhealthy, "Salesforce: the user was refused" },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void The_report_is_unhealthy_when_a_part_is_broken_and_names_it(string why, SideProblem? salesforce, ApiUsage? usage, SideProblem? app, DeadLetterListing? deadLettered, HealthStatus status, string summary)
    {
        var report = HealthReport.Of(salesforce, usage, 0.8, app, null, null, deadLettered);

        Assert.True(status == report.Status, why);
        Assert.StartsWith(summary, report.Summary, StringComparison.Ordinal);
        Assert.Equal(salesforce?.Kind, report.Salesforce.Reason);
        Assert.Equal(app?.Kind, report.App.Reason);
    }
}
