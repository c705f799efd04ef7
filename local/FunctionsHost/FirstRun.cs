using System.Text.Json.Nodes;

namespace SfSync.FunctionsHost;

/// <summary>Follows a run through GET /api/sync/runs/{runId} until it ends, showing its progress, then its summary.</summary>
internal static class FirstRun
{
    public static async Task<JsonNode?> FollowAsync(Invoker invoker, FunctionCatalog catalog, string runId, Action<string> print, CancellationToken cancellationToken)
    {
        var getRun = catalog.Functions.Single(f => f.Name == "GetRun");
        var shown = "";
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < TimeSpan.FromMinutes(10))
        {
            var result = await invoker.InvokeAsync(getRun, new JsonObject { ["req"] = new JsonObject { ["Method"] = "GET", ["Params"] = new JsonObject { ["runId"] = runId } } }, [], cancellationToken);
            var run = JsonNode.Parse(result.Outputs["res"]?["body"]?.GetValue<string>() ?? "{}");
            var progress = $"run {runId}: {run?["status"]} — batches {run?["batchesDone"]}/{run?["batchesPlanned"]}";
            if (progress != shown)
            {
                print(progress);
                shown = progress;
            }

            if (run?["status"]?.GetValue<string>() is { } status && status != "Running")
            {
                Summary(run, DateTime.UtcNow - started);
                return run;
            }

            await Task.Delay(500, cancellationToken);
        }

        print($"run {runId} did not end within 10 minutes");
        return null;
    }

    private static void Summary(JsonNode run, TimeSpan took)
    {
        static string Side(JsonNode? c) => $"{c?["created"]} created, {c?["updated"]} updated, {c?["deleted"]} deleted, {c?["unchanged"]} unchanged, {c?["skipped"]} skipped, {c?["failed"]} failed";
        Console.WriteLine();
        Console.WriteLine($"Run {run["runId"]}: {run["status"]} in {took.TotalSeconds:F1} s — {run["message"]}");
        Console.WriteLine($"  Salesforce: {Side(run["salesforce"])}");
        Console.WriteLine($"  App:        {Side(run["app"])}");
        Console.WriteLine($"  Conflicts resolved for Salesforce: {run["conflictsResolvedForSalesforce"]}; blanks filled: {run["blanksFilled"]}");
        foreach (var error in run["errors"]?.AsArray() ?? [])
        {
            Console.WriteLine($"  ! {error}");
        }

        Console.WriteLine();
    }
}
