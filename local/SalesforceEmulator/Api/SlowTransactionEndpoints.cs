using System.Text.Json.Nodes;
using SfSync.SalesforceEmulator.Org;

namespace SfSync.SalesforceEmulator.Api;

/// <summary>
/// A person's slow transaction on demand, under /__emulator/transactions: begun, it is invisible and holds its row's lock
/// while the replication resources (sObject Get Updated) say changes from its start on may still be committing;
/// committed, its values appear under the stamp of its start. What a change feed must not lose.
/// </summary>
internal static class SlowTransactionEndpoints
{
    public static void MapSlowTransactions(this WebApplication app)
    {
        var transactions = app.MapGroup("/__emulator/transactions");
        transactions.MapPost("/", (SlowUpdate request, OrgStore org) =>
        {
            if (request.Id is null || request.Fields is null || request.StartedAgo < TimeSpan.Zero)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: "id and fields are required; startedAgo, when given, must not be negative.");
            }

            var (transaction, started, result) = org.BeginSlow(OrgStore.PersonUserId, request.Id, request.Fields, request.StartedAgo ?? TimeSpan.Zero);
            return transaction is null
                ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: result.Errors[0].StatusCode, detail: result.Errors[0].Message)
                : Results.Created($"/__emulator/transactions/{transaction}", new { transactionId = transaction, id = result.Id, startedAt = started });
        });
        transactions.MapPost("/{transactionId}/commit", (string transactionId, OrgStore org) => org.CommitSlow(transactionId) switch
        {
            null => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such open transaction", detail: $"Transaction {transactionId} is not open."),
            { Success: false } failed => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: failed.Errors[0].StatusCode, detail: failed.Errors[0].Message),
            var committed => Results.Ok(new { id = committed.Id }),
        });
    }

    /// <param name="StartedAgo">How long before now the transaction started (a job already running): zero by default.</param>
    private sealed record SlowUpdate(string? Id, JsonObject? Fields, TimeSpan? StartedAgo);
}
