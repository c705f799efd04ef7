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

    private sealed record PurgeRequest(string[]? Ids);

    private sealed record LateCommit(string? Id, JsonObject? Fields, TimeSpan? StampedAgo);
}
