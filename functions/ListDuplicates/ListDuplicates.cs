using System.Globalization;
using SfSync.Functions.Invocation;
using SfSync.Linking;

namespace SfSync.Functions;

/// <summary>
/// GET /api/sync/duplicates?max=50 — the open duplicate e-mails: per e-mail (masked), the Salesforce contact synced and
/// the others left unsynced (or copied, with Sync:Duplicates = Copy), and since when they are reported.
/// </summary>
internal sealed class ListDuplicates(OpenDuplicates duplicates) : HttpFunction
{
    public override string Name => nameof(ListDuplicates);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var max = 50;
        if (request.Query.TryGetValue("max", out var text) && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > 500))
        {
            throw new BadInputException("max must be a whole number from 1 to 500.");
        }

        var open = await duplicates.ListAsync(max, cancellationToken);
        return HttpOutput.Json200(new
        {
            duplicates = open.Select(d => new { entity = d.Entity.ToString(), email = d.Email, linked = d.Linked, others = d.Others, since = d.Since }),
        });
    }
}
