using System.Globalization;
using SfSync.Functions.Invocation;
using SfSync.Queue;

namespace SfSync.Functions;

/// <summary>
/// GET /api/sync/deadletters?max=20 — the dead-letter queue of sync-batches: its depth and the newest messages with
/// batch, run, entity, delivery count, reason and description. Peeks only: nothing is removed or locked.
/// </summary>
internal sealed class ListDeadLetters(IDeadLetterQueue deadLetters) : HttpFunction
{
    /// <summary>How many messages are counted at most: enough for any operator's question, bounded for the function timeout.</summary>
    public const int ScanLimit = 5000;

    public override string Name => nameof(ListDeadLetters);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var max = 20;
        if (request.Query.TryGetValue("max", out var text) && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > 250))
        {
            throw new BadInputException("max must be a whole number from 1 to 250.");
        }

        DeadLetterListing listing;
        try
        {
            listing = await deadLetters.PeekAsync(max, ScanLimit, cancellationToken);
        }
        catch (QueueUnavailableException ex)
        {
            return HttpOutput.Problem(503, "The queue is unavailable", ex.Message);
        }

        return HttpOutput.Json200(DeadLetterView.From(listing));
    }
}
