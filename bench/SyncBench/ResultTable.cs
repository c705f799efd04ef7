using System.Globalization;

namespace SfSync.Bench.Sync;

/// <summary>The rows, printed as the Markdown table bench/README.md quotes.</summary>
internal sealed class ResultTable
{
    private readonly List<Measurement> _rows = [];

    public void Add(Measurement row)
    {
        _rows.Add(row);
        Console.Error.WriteLine($"{row.Work}: {row.Seconds:F1} s, {row.Keys} records, {row.Calls} calls (floor {row.Floor})");
    }

    public void Print(TextWriter output)
    {
        output.WriteLine("| work | records | wall s | records/s | Salesforce calls | floor | ratio | batches | Table reads / batch | Table writes / batch | handler CPU ms / 1,000 records |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in _rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Work} | {r.Keys:N0} | {r.Seconds:F1} | {r.RecordsPerSecond:F0} | {r.Calls} | {r.Floor} | {r.Ratio:F2} | {r.Batches} | {PerBatch(r.TableReads, r.Batches)} | {PerBatch(r.TableWrites, r.Batches)} | {PerThousand(r)} |"));
        }

        output.WriteLine();
        foreach (var r in _rows.Where(r => r.Batches == 0 && r.WritesByTable.Count > 0))
        {
            output.WriteLine($"Table writes of \"{r.Work.Trim()}\": {string.Join(", ", r.WritesByTable.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");
        }
    }

    private static string PerBatch(long requests, int batches) =>
        batches == 0 ? (requests == 0 ? "0" : $"{requests} (no batch)") : ((double)requests / batches).ToString("F1", CultureInfo.InvariantCulture);

    private static string PerThousand(Measurement r) =>
        r.Keys == 0 ? $"{r.HandlerCpuSeconds * 1000:F0} (run)" : (r.HandlerCpuSeconds * 1000 * 1000 / r.Keys).ToString("F0", CultureInfo.InvariantCulture);
}
