using SfSync.Model;
using SfSync.State;

namespace SfSync.Sweeping;

/// <summary>What one page of ids said, compared with the links of its range: a class per id (and per link whose id the
/// page lacks), and the key the batch path gets for each class that reconciles.</summary>
internal sealed record DriftFinding(DriftClass Class, RecordKey Key);

/// <summary>
/// Compares a page of one side's ids with the links whose id on that side falls in the page's range. Pure. Every link
/// of the range and every id of the page gets exactly one finding, so the pages of a scan count each record once.
/// </summary>
internal static class DriftScan
{
    public static IReadOnlyList<DriftFinding> Salesforce(IReadOnlyList<SalesforceIdRow> rows, IReadOnlyList<Link> links, DateTimeOffset readAt, SweepOptions options)
    {
        var byId = links.Where(l => l.SalesforceId is not null).GroupBy(l => l.SalesforceId!.Value).ToDictionary(g => g.Key, g => g.First());
        var findings = new List<DriftFinding>(rows.Count + 8);
        var seen = new HashSet<SalesforceId>();
        foreach (var row in rows)
        {
            if (!seen.Add(row.Id))
            {
                continue;
            }

            var link = byId.GetValueOrDefault(row.Id);
            findings.Add(new DriftFinding(Drift.OfSalesforce(row, link, readAt, options), KeyOf(link, RecordKey.ForSalesforce(row.Id))));
        }

        foreach (var (id, link) in byId.Where(p => !seen.Contains(p.Key)))
        {
            findings.Add(new DriftFinding(Drift.OfSalesforce(null, link, readAt, options), KeyOf(link, RecordKey.ForSalesforce(id))));
        }

        return findings;
    }

    public static IReadOnlyList<DriftFinding> App(IReadOnlyList<AppIdRow> rows, IReadOnlyList<Link> links, DateTimeOffset readAt, SweepOptions options)
    {
        var byId = links.Where(l => l.AppId is not null).GroupBy(l => l.AppId!.Value).ToDictionary(g => g.Key, g => g.First());
        var findings = new List<DriftFinding>(rows.Count + 8);
        var seen = new HashSet<AppId>();
        foreach (var row in rows)
        {
            if (!seen.Add(row.Id))
            {
                continue;
            }

            var link = byId.GetValueOrDefault(row.Id);
            findings.Add(new DriftFinding(Drift.OfApp(row, link, readAt, options), KeyOf(link, RecordKey.ForApp(row.Id))));
        }

        foreach (var (id, link) in byId.Where(p => !seen.Contains(p.Key)))
        {
            findings.Add(new DriftFinding(Drift.OfApp(null, link, readAt, options), KeyOf(link, RecordKey.ForApp(id))));
        }

        return findings;
    }

    /// <summary>The keys to reconcile, one per record: a linked record by both ids, as the planner keys it.</summary>
    public static IReadOnlyList<RecordKey> KeysToReconcile(IEnumerable<DriftFinding> findings) =>
        findings.Where(f => f.Class.Reconciles()).Select(f => f.Key).DistinctBy(k => (k.SalesforceId, k.AppId)).ToList();

    private static RecordKey KeyOf(Link? link, RecordKey fromPage) =>
        link is null ? fromPage : new RecordKey(link.SalesforceId ?? fromPage.SalesforceId, link.AppId ?? fromPage.AppId);
}
