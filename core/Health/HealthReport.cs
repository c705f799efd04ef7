using SfSync.Queue;
using SfSync.Salesforce;

namespace SfSync.Health;

/// <summary>One part the sync depends on: whether it answers and, if not, why.</summary>
/// <param name="Reason">The kind of trouble (refused client, refused user, expired refresh token, unreachable, timing
/// out, an error answer), null while the part answers.</param>
internal sealed record HealthPart(bool Ok, ConnectionProblem? Reason, string? Problem, string? Note = null)
{
    public static HealthPart Of(SideProblem? problem, string? note = null) => new(problem is null, problem?.Kind, problem?.Detail, note);
}

internal sealed record SalesforceHealth(bool Ok, ConnectionProblem? Reason, string? Problem, ApiUsage? ApiUsage, string? Note);

internal sealed record QueueHealth(bool Ok, ConnectionProblem? Reason, string? Problem, int? DeadLetters, bool? DeadLettersIsLowerBound, string? Note);

/// <summary>
/// What GET /api/health answers, decided from what the probes found: Unhealthy when a part cannot be used (the first
/// such part, in the order Salesforce, app, storage, queue, is the one <see cref="Summary"/> names), Degraded while
/// planning is paused or messages are dead-lettered, else Healthy.
/// </summary>
internal sealed record HealthReport(HealthStatus Status, string Summary, SalesforceHealth Salesforce, HealthPart App, HealthPart Storage, QueueHealth Queue)
{
    public static HealthReport Of(SideProblem? salesforce, ApiUsage? usage, double pauseAtShare, SideProblem? app, SideProblem? storage, SideProblem? queue, DeadLetterListing? deadLettered)
    {
        var usageNote = usage is not null && usage.Share >= pauseAtShare
            ? $"API usage {usage.Used}/{usage.DailyMax} is above the pause threshold; planning is paused."
            : null;
        var deadLetterNote = deadLettered is { Depth: > 0 } d
            ? $"{d.Depth}{(d.DepthIsLowerBound ? "+" : "")} messages in the dead-letter queue: GET /api/sync/deadletters lists them, POST /api/sync/deadletters/replay sends them again."
            : null;
        var broken = new[] { ("Salesforce", salesforce), ("The app", app), ("The state store", storage), ("The queue", queue) }
            .FirstOrDefault(p => p.Item2 is not null);
        var status = broken.Item2 is not null ? HealthStatus.Unhealthy
            : usageNote is not null || deadLetterNote is not null ? HealthStatus.Degraded
            : HealthStatus.Healthy;
        var summary = broken.Item2 is { } problem ? $"{broken.Item1}: {Describe(problem.Kind)} ({problem.Detail})"
            : usageNote ?? deadLetterNote ?? "Every part answers.";
        return new HealthReport(
            status,
            summary,
            new SalesforceHealth(salesforce is null, salesforce?.Kind, salesforce?.Detail, usage, usageNote),
            HealthPart.Of(app),
            HealthPart.Of(storage),
            new QueueHealth(queue is null, queue?.Kind, queue?.Detail, deadLettered?.Depth, deadLettered?.DepthIsLowerBound, deadLetterNote));
    }

    /// <summary>The reason in words, as Lead Liaison's broken-connection notice puts it.</summary>
    public static string Describe(ConnectionProblem problem) => problem switch
    {
        ConnectionProblem.ClientRefused => "the connected app (client id or secret) was refused",
        ConnectionProblem.CredentialsRefused => "the user was refused (username, password and security token, or the JWT's user or certificate)",
        ConnectionProblem.RefreshTokenExpired => "the refresh token is expired or revoked; authorize the connected app again",
        ConnectionProblem.Unreachable => "unreachable (no connection)",
        ConnectionProblem.TimedOut => "timing out (no answer in time)",
        _ => "answered with an error",
    };
}
