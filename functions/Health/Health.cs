using SfSync.Functions.Invocation;
using SfSync.Health;

namespace SfSync.Functions;

/// <summary>
/// GET /api/health — what <see cref="HealthCheck"/> found: 200 with the status of every part while all answer
/// (Degraded while planning is paused or messages are dead-lettered), else 503 problem details naming the part and the
/// reason, with every part's status.
/// </summary>
internal sealed class Health(HealthCheck check) : HttpFunction
{
    public override string Name => nameof(Health);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var report = await check.CheckAsync(cancellationToken);
        var parts = new { salesforce = report.Salesforce, app = report.App, storage = report.Storage, queue = report.Queue };
        return report.Status == HealthStatus.Unhealthy
            ? HttpOutput.Problem(503, "Unhealthy", report.Summary, new { health = report.Status.ToString(), parts.salesforce, parts.app, parts.storage, parts.queue })
            : HttpOutput.Json200(new { status = report.Status.ToString(), detail = report.Summary, parts.salesforce, parts.app, parts.storage, parts.queue });
    }
}
