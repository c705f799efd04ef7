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
        var body = ReadBody<Body>(request);
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
        return HttpOutput.Json200(new
        {
            replayed = results.Count(r => r.Case == ReplayCase.Resend && r.Removed),
            removed = results.Count(r => r.Removed),
            left = results.Count(r => !r.Removed),
            messages = results.Select(r => new { sequenceNumber = r.SequenceNumber, messageId = r.MessageId, batchId = r.BatchId, runId = r.RunId, outcome = r.Case.ToString(), removed = r.Removed, detail = r.Detail }),
        });
    }

    private sealed class Body
    {
        public string? BatchId { get; set; }
    }
}
