using SfSync.Functions.Invocation;
using SfSync.Linking;
using SfSync.Model;

namespace SfSync.Functions;

/// <summary>
/// POST /api/links — pre-link existing records before the first sync, from JSON
/// ({"entity": "Account", "links": [{"salesforceId": "001…", "appId": "42"}]}) or CSV (?entity=Account, a header line
/// then salesforceId,appId per line). Answers linked / skipped / per-row errors.
/// </summary>
internal sealed class ImportLinks(LinkImporter importer) : HttpFunction
{
    public const int MaxRows = 10_000;

    public override string Name => nameof(ImportLinks);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        string? entityName;
        IReadOnlyList<LinkPair> pairs;
        if (request.ContentType?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            entityName = request.Query.GetValueOrDefault("entity");
            pairs = LinkCsv.Parse(request.Body);
        }
        else
        {
            var body = ReadBody<Body>(request);
            entityName = body.Entity ?? request.Query.GetValueOrDefault("entity");
            pairs = (body.Links ?? []).Select(l => new LinkPair(l.SalesforceId, l.AppId)).ToList();
        }

        if (!EntityKindNames.TryParse(entityName, out var entity))
        {
            throw new BadInputException("entity must be Account (customers) or Contact (contacts).");
        }

        if (pairs.Count is 0 or > MaxRows)
        {
            throw new BadInputException($"Send 1 to {MaxRows} pairs of (salesforceId, appId).");
        }

        var result = await importer.ImportAsync(entity, pairs, cancellationToken);
        response.Logs.Add($"Imported {entity} links: {result.Linked} linked, {result.Skipped} skipped, {result.Errors.Count} errors.");
        return HttpOutput.Json200(new { linked = result.Linked, skipped = result.Skipped, errors = result.Errors.Select(e => new { row = e.Row, reason = e.Reason }) });
    }

    private sealed class Body
    {
        public string? Entity { get; set; }

        public List<Pair>? Links { get; set; }
    }

    private sealed class Pair
    {
        public string? SalesforceId { get; set; }

        public string? AppId { get; set; }
    }
}
