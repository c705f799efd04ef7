using System.Diagnostics;
using System.Globalization;
using SfSync.Bench.Sync;

// The Salesforce API calls of the sync against the floor the API's limits allow, side by side in one run of the local
// stack: first sync, idle, app-side and Salesforce-side edits of several sizes, and one size again with added latency.
//   bench/sync-calls.sh [--seed 3400] [--sizes 200,2000,10000] [--latency-ms 100] [--latency-size 2000]
var seed = int.Parse(Option("--seed") ?? "3400", CultureInfo.InvariantCulture);
var sizes = (Option("--sizes") ?? "200,2000,10000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
var latencyMs = int.Parse(Option("--latency-ms") ?? "100", CultureInfo.InvariantCulture);
var latencySize = int.Parse(Option("--latency-size") ?? "2000", CultureInfo.InvariantCulture);
var root = Option("--root") ?? Directory.GetCurrentDirectory();

await using var storage = await TableStorage.StartAsync(root);
await using var stack = await BenchStack.StartAsync(root, seed, storage);
var table = new ResultTable();
Console.Error.WriteLine($"stack up (seed {seed}); waiting for the first sync");
var first = await stack.MeasureAsync("first sync", startSync: false, floorFeedRows: null);
table.Add(first);
// Not idle for the feed: it reads back what the first sync wrote to Salesforce (automation in our transactions may have
// changed more than we wrote), so its floor counts those rows.
table.Add(await stack.MeasureAsync("next run (reads our writes back)", startSync: true, floorFeedRows: first.SalesforceWrites));
table.Add(await stack.MeasureAsync("  idle again", startSync: true, floorFeedRows: 0));

foreach (var size in sizes)
{
    await stack.EditAppAsync(size);
    table.Add(await stack.MeasureAsync($"{size:N0} app-side edits", startSync: true, floorFeedRows: 0));
    table.Add(await stack.MeasureAsync("  next run (reads our writes back)", startSync: true, floorFeedRows: size));
}

foreach (var size in sizes)
{
    await stack.EditSalesforceAsync(size);
    table.Add(await stack.MeasureAsync($"{size:N0} Salesforce-side edits", startSync: true, floorFeedRows: size));
}

// People's edits above were made in the minute of that run's read, which the org cannot yet say are committed (it answers
// in whole minutes): the next run re-reads them once, the one after is idle.
table.Add(await stack.MeasureAsync("next run (re-reads people's last minute)", startSync: true, floorFeedRows: 0));
table.Add(await stack.MeasureAsync("  idle again", startSync: true, floorFeedRows: 0));

await stack.SetLatencyAsync(latencyMs);
await stack.EditAppAsync(latencySize);
var slow = await stack.MeasureAsync($"{latencySize:N0} app-side edits, +{latencyMs} ms", startSync: true, floorFeedRows: 0);
table.Add(slow);
await stack.SetLatencyAsync(0);

table.Print(Console.Out);
Console.WriteLine();
Console.WriteLine($"+{latencyMs} ms Salesforce latency: {slow.Calls} calls on one path (planner pages, then one batch invocation at a time, read then write) " +
    $"need at least {slow.Calls * latencyMs / 1000.0:F1} s; measured {slow.Seconds:F1} s, {slow.Seconds / (slow.Calls * latencyMs / 1000.0):F2}× that minimum.");
Console.WriteLine("floor = max(1, ⌈feed rows/2000⌉) + ⌈keys/2000⌉ + ⌈Salesforce writes/1000⌉ (a query page holds 2,000 rows; a Composite call carries 5 Collections of 200).");
Console.WriteLine("Calls exclude the local run's own health checks (the Limits resource); Table requests come from Azurite's access log.");
return 0;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
