using SfSync.Model;
using SfSync.State;

namespace SfSync.Linking;

/// <summary>One row of a pre-link import, as given (validated here, not by the caller).</summary>
internal sealed record LinkPair(string? SalesforceId, string? AppId);

internal sealed record LinkImportError(int Row, string Reason);

internal sealed record LinkImportResult(int Linked, int Skipped, IReadOnlyList<LinkImportError> Errors);

/// <summary>
/// Pre-links existing records from (Salesforce id, app id) pairs before the first sync, so they merge instead of
/// being created twice. A pair that is already linked exactly so is skipped; a pair that contradicts an existing
/// link, names an id twice, or has a malformed id is an error for that row only. Imported links carry no base,
/// so the first sync merges them with "no base" rules (Salesforce wins real conflicts, blanks are filled).
/// </summary>
internal sealed class LinkImporter(ILinkStore links, TimeProvider time)
{
    /// <summary>Rows are written in chunks of this size, the size of a reconcile batch.</summary>
    private const int Chunk = 200;

    public async Task<LinkImportResult> ImportAsync(EntityKind entity, IReadOnlyList<LinkPair> pairs, CancellationToken cancellationToken = default)
    {
        var errors = new List<LinkImportError>();
        var valid = new List<(int Row, SalesforceId Salesforce, AppId App)>();
        var seenSalesforce = new HashSet<SalesforceId>();
        var seenApp = new HashSet<AppId>();
        var prefix = entity.KeyPrefix();
        for (var row = 0; row < pairs.Count; row++)
        {
            var pair = pairs[row];
            if (!SalesforceId.TryParse(pair.SalesforceId, out var salesforceId))
            {
                errors.Add(new(row, "The Salesforce id is not a 15- or 18-character record id."));
            }
            else if (salesforceId.KeyPrefix != prefix)
            {
                errors.Add(new(row, $"The Salesforce id starts with {salesforceId.KeyPrefix}; {entity} ids start with {prefix}."));
            }
            else if (!AppId.TryParse(pair.AppId, out var appId))
            {
                errors.Add(new(row, $"The app id must be 1 to {AppId.MaxLength} visible characters."));
            }
            else if (!seenSalesforce.Add(salesforceId) || !seenApp.Add(appId))
            {
                errors.Add(new(row, "An id of this row appears in an earlier row of the import."));
            }
            else
            {
                valid.Add((row, salesforceId, appId));
            }
        }

        var linked = 0;
        var skipped = 0;
        foreach (var chunk in valid.Chunk(Chunk))
        {
            var existing = await links.FindAsync(entity, chunk.Select(c => c.Salesforce).ToHashSet(), chunk.Select(c => c.App).ToHashSet(), cancellationToken).ConfigureAwait(false);
            var writes = new List<(int Row, LinkWrite Write)>();
            foreach (var (row, salesforceId, appId) in chunk)
            {
                var clash = existing.Where(l => l.SalesforceId == salesforceId || l.AppId == appId).ToList();
                if (clash.Count == 1 && clash[0].SalesforceId == salesforceId && clash[0].AppId == appId && clash[0].State == LinkState.Active)
                {
                    skipped++;
                }
                else if (clash.Count > 0)
                {
                    var other = clash[0];
                    errors.Add(new(row, $"Already linked: Salesforce {other.SalesforceId?.Value ?? "-"} ⇄ app {other.AppId?.Value ?? "-"} ({other.State})."));
                }
                else
                {
                    var now = time.GetUtcNow();
                    writes.Add((row, new LinkWrite(null, new Link(entity, salesforceId, appId, LinkState.Active, null, null, null, 0, now, null))));
                }
            }

            var results = await links.WriteAsync(writes.Select(w => w.Write).ToArray(), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < writes.Count; i++)
            {
                if (results[i].Conflict)
                {
                    errors.Add(new(writes[i].Row, "Linked by someone else while importing."));
                }
                else
                {
                    linked++;
                }
            }
        }

        return new LinkImportResult(linked, skipped, errors.OrderBy(e => e.Row).ToArray());
    }
}
