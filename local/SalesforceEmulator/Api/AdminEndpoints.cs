using System.Text.Json.Nodes;
using SfSync.SalesforceEmulator.Org;

namespace SfSync.SalesforceEmulator.Api;

/// <summary>Run-time control for tests and benchmarks, under /__emulator (a path Salesforce does not have). No auth: loopback only.</summary>
internal static class AdminEndpoints
{
    public static void MapAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/__emulator");
        admin.MapGet("/faults", (EmulatorState state) => Results.Ok(state.Faults));
        admin.MapPut("/faults", (EmulatorFaults faults, EmulatorState state) =>
        {
            state.SetFaults(faults);
            return Results.Ok(state.Faults);
        });
        admin.MapPost("/sessions/expire", (EmulatorState state) => Results.Ok(new { expired = state.ExpireSessions() }));
        admin.MapGet("/usage", (EmulatorState state) => Results.Ok(new { used = state.Used, max = state.DailyMax, byResource = state.UsedByResource }));
        admin.MapPut("/usage", (UsageChange change, EmulatorState state) =>
        {
            if (change.Used is { } used)
            {
                state.SetUsed(used);
            }

            if (change.Max is { } max)
            {
                state.DailyMax = max;
            }

            return Results.Ok(new { used = state.Used, max = state.DailyMax });
        });
        admin.MapPut("/listviews/{sobject}/{developerName}", (string sobject, string developerName, ListViewChange change, ListViews views, OrgStore org) =>
        {
            if (org.Schema(sobject) is null)
            {
                return Results.Problem(statusCode: 404, title: $"No sObject {sobject}.");
            }

            try
            {
                var view = views.Put(sobject, developerName, change.Label ?? developerName, change.Where, change.Scope ?? "everything");
                return Results.Ok(new { id = view.Id, query = view.Query });
            }
            catch (Soql.SoqlException ex)
            {
                return Results.Problem(statusCode: 400, title: "The list view's filter is not SOQL the emulator runs.", detail: ex.Message);
            }
        });
        admin.MapPost("/purge", (PurgeRequest request, OrgStore org) => request.Ids is { Length: > 0 }
            ? Results.Ok(new { purged = org.Purge(request.Ids) })
            : Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: "ids must list the records to purge."));
        admin.MapPost("/late-commit", (LateCommit request, OrgStore org) =>
        {
            if (request.Id is null || request.Fields is null || request.StampedAgo is not { } ago || ago < TimeSpan.Zero)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: "id, fields and a positive stampedAgo are required.");
            }

            var result = org.LateUpdate(OrgStore.PersonUserId, request.Id, request.Fields, ago);
            return result.Success ? Results.Ok(new { id = result.Id }) : Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: result.Errors[0].StatusCode, detail: result.Errors[0].Message);
        });
        admin.MapGet("/counts", (OrgStore org) => Results.Ok(org.Schemas.Keys.ToDictionary(k => k, k => new { live = org.Count(k, false), all = org.Count(k, true) })));
    }

    private sealed record UsageChange(long? Used, long? Max);

    /// <param name="Where">The list view's filter as SOQL (what Setup's filter criteria become); empty for every record.</param>
    private sealed record ListViewChange(string? Label, string? Where, string? Scope);

    private sealed record PurgeRequest(string[]? Ids);

    private sealed record LateCommit(string? Id, JsonObject? Fields, TimeSpan? StampedAgo);
}
