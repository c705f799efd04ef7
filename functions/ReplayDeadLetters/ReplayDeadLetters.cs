using SfSync.Functions.Invocation;
using SfSync.Queue;

namespace SfSync.Functions;

/// <summary>
/// POST /api/sync/deadletters/replay {"batchId": "…"} (body optional: every message) — sends dead-lettered batches
/// again through the outbox; a message leaves the dead-letter queue only once its re-send is recorded and sent.
/// 404 when a batch id is given and no dead-lettered message carries it.
/// </summary>
internal sealed class ReplayDeadLetters(DeadLetterReplay replay) : HttpFunction
{
    public override string Name => nameof(ReplayDeadLetters);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var form = request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
        var body = form ? FormBody(request.Body) : ReadBody<Body>(request);
        if (body.BatchId is { } id && (id.Length is 0 or > 100 || id.Any(char.IsWhiteSpace)))
        {
            throw new BadInputException("batchId must be a batch id as the dead-letter listing shows it.");
        }

        IReadOnlyList<ReplayedMessage> results;
        try
        {
            results = await replay.ReplayAsync(body.BatchId, cancellationToken);
        }
        catch (QueueUnavailableException ex)
        {
            return HttpOutput.Problem(503, "The queue is unavailable", ex.Message);
        }

        if (body.BatchId is not null && results.Count == 0)
        {
            return HttpOutput.Problem(404, "Not in the dead-letter queue", $"No dead-lettered message carries batch {body.BatchId}.");
        }

        response.Logs.Add($"Dead-letter replay: {results.Count(r => r.Removed)} of {results.Count} messages removed.");
        if (form)
        {
            // The History page's replay button: back to the page, which says what was replayed (post, redirect, get).
            var code = request.Query.GetValueOrDefault("code") is { Length: > 0 } key ? "code=" + Uri.EscapeDataString(key) + "&" : "";
            var location = $"/api/dashboard?{code}replayed={results.Count(r => r.Case == ReplayCase.Resend && r.Removed)}#dead-letters";
            return new Dictionary<string, object?> { ["statusCode"] = 303, ["headers"] = new Dictionary<string, string> { ["Location"] = location }, ["body"] = "" };
        }

        return HttpOutput.Json200(new
        {
            replayed = results.Count(r => r.Case == ReplayCase.Resend && r.Removed),
            removed = results.Count(r => r.Removed),
            left = results.Count(r => !r.Removed),
            messages = results.Select(r => new { sequenceNumber = r.SequenceNumber, messageId = r.MessageId, batchId = r.BatchId, runId = r.RunId, outcome = r.Case.ToString(), removed = r.Removed, detail = r.Detail }),
        });
    }

    /// <summary>An HTML form's body: batchId=… or nothing (every message).</summary>
    private static Body FormBody(string? text)
    {
        foreach (var pair in (text ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts[0] == "batchId" && parts.Length == 2 && Uri.UnescapeDataString(parts[1].Replace('+', ' ')) is { Length: > 0 } id)
            {
                return new Body { BatchId = id };
            }
        }

        return new Body();
    }

    private sealed class Body
    {
        public string? BatchId { get; set; }
    }
}
