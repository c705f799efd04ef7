using SfSync.Functions.Invocation;
using SfSync.Model;
using SfSync.State;

namespace SfSync.Functions;

/// <summary>GET /api/sync/records/{entity}/{side}/{id} — one record's links, last sync, last outcome and error.</summary>
internal sealed class RecordStatus(IRecordStatusLog statuses) : HttpFunction
{
    public override string Name => nameof(RecordStatus);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        if (!EntityKindNames.TryParse(request.Params.GetValueOrDefault("entity"), out var entity))
        {
            throw new BadInputException("entity must be Account (customers) or Contact (contacts).");
        }

        var side = request.Params.GetValueOrDefault("side")?.ToUpperInvariant() switch
        {
            "SALESFORCE" or "SF" => Side.Salesforce,
            "APP" => Side.App,
            _ => throw new BadInputException("side must be salesforce or app."),
        };
        var id = request.Params.GetValueOrDefault("id") ?? "";
        var status = await statuses.FindAsync(entity, side, id, cancellationToken);
        return status is null
            ? HttpOutput.Problem(404, "No status", $"No sync attempt is recorded for {entity} {side} id '{id}'.")
            : HttpOutput.Json200(new
            {
                entity = status.Entity.ToString(),
                salesforceId = status.SalesforceId?.Value,
                appId = status.AppId?.Value,
                lastAttemptAt = status.AttemptedAt,
                lastSyncedAt = status.LastSyncedAt,
                salesforce = status.SalesforceOutcome,
                app = status.AppOutcome,
                errorCode = status.ErrorCode,
                error = status.Error,
                conflicts = status.ConflictSummary,
                runId = status.RunId,
            });
    }
}
