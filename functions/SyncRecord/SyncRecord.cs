using SfSync.Functions.Invocation;
using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Runs;

namespace SfSync.Functions;

/// <summary>
/// POST /api/sync/records — sync one record now ({"entity": "Contact", "salesforceId": "003…"} or "appId"); the outcome
/// per side. 404 when neither side has the record; 400 for an id of the other object.
/// </summary>
internal sealed class SyncRecord(BatchApplier applier, TimeProvider time) : HttpFunction
{
    public override string Name => nameof(SyncRecord);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var body = ReadBody<Body>(request);
        if (!EntityKindNames.TryParse(body.Entity, out var entity))
        {
            throw new BadInputException("entity must be Account (customers) or Contact (contacts).");
        }

        SalesforceId? salesforceId = null;
        AppId? appId = null;
        if (body.SalesforceId is not null)
        {
            salesforceId = SalesforceId.TryParse(body.SalesforceId, out var parsed) ? parsed : throw new BadInputException("salesforceId is not a 15- or 18-character Salesforce id.");
            if (parsed.KeyPrefix != entity.KeyPrefix())
            {
                // Syncing it as the wrong object would find nothing and answer "Unchanged", which reads as "in sync".
                throw new BadInputException($"salesforceId {parsed.KeyPrefix}… is not a {entity} id: {entity} ids start with {entity.KeyPrefix()}.");
            }
        }

        if (body.AppId is not null)
        {
            appId = AppId.TryParse(body.AppId, out var parsed) ? parsed : throw new BadInputException("appId must be 1 to 128 visible characters.");
        }

        if (salesforceId is null && appId is null)
        {
            throw new BadInputException("Give salesforceId or appId.");
        }

        var runId = RunId.New(time);
        var result = await applier.SyncRecordAsync(runId, entity, new RecordKey(salesforceId, appId), cancellationToken);
        if (result.Status == BatchApplyStatus.Deferred)
        {
            return HttpOutput.Problem(503, "A side is unavailable", result.Reason ?? "", new { runId });
        }

        var outcome = result.Outcomes.Count > 0 ? result.Outcomes[0] : null;
        if (outcome is { NotFound: true })
        {
            var named = string.Join(" or ", new[] { salesforceId is { } s ? $"Salesforce id {s}" : null, appId is { } a ? $"app id {a}" : null }.OfType<string>());
            return HttpOutput.Problem(404, $"No such {entity}", $"Neither Salesforce nor the app has a {entity} with {named}, and none was ever synced.", new { runId });
        }

        response.Logs.Add($"Run {runId}: {entity} synced: Salesforce {outcome?.Salesforce}, app {outcome?.App}.");
        return HttpOutput.Json200(new
        {
            runId,
            entity = entity.ToString(),
            salesforceId = outcome?.SalesforceId?.Value,
            appId = outcome?.AppId?.Value,
            salesforce = Side(outcome?.Salesforce),
            app = Side(outcome?.App),
            conflicts = outcome?.Conflicts,
            warning = outcome?.Warning,
        });
    }

    private static object? Side(SideOutcome? outcome) => outcome is null ? null : new { outcome = outcome.Kind.ToString(), code = outcome.Code?.Value, reason = outcome.Reason };

    private sealed class Body
    {
        public string? Entity { get; set; }

        public string? SalesforceId { get; set; }

        public string? AppId { get; set; }
    }
}
