using System.Text.Json;
using System.Text.Json.Nodes;

namespace SfSync.FunctionsHost;

internal sealed record FunctionDefinition(string Name, JsonObject Trigger, IReadOnlyList<JsonObject> Outputs)
{
    public string TriggerType => Trigger["type"]!.GetValue<string>();

    public string TriggerName => Trigger["name"]!.GetValue<string>();

    public string? Route => Trigger["route"]?.GetValue<string>();

    public IReadOnlyList<string> Methods => Trigger["methods"]?.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()).ToList() ?? ["GET", "POST"];

    public string AuthLevel => Trigger["authLevel"]?.GetValue<string>() ?? "function";

    public IEnumerable<JsonObject> ServiceBusOutputs => Outputs.Where(o => o["type"]?.GetValue<string>() == "serviceBus");
}

/// <summary>What the real host reads: host.json and every functions/&lt;Name&gt;/function.json.</summary>
internal sealed class FunctionCatalog
{
    public FunctionCatalog(string appRoot)
    {
        Host = JsonNode.Parse(File.ReadAllText(Path.Combine(appRoot, "host.json")))!.AsObject();
        Functions = Directory.EnumerateDirectories(Path.Combine(appRoot, "functions"))
            .Where(dir => File.Exists(Path.Combine(dir, "function.json")))
            .Select(dir =>
            {
                var bindings = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "function.json")))!["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList();
                var trigger = bindings.Single(b => b["direction"]?.GetValue<string>() == "in" && b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));
                return new FunctionDefinition(Path.GetFileName(dir), trigger, bindings.Where(b => b["direction"]?.GetValue<string>() == "out").ToList());
            })
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    public JsonObject Host { get; }

    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public string RoutePrefix => Host["extensions"]?["http"]?["routePrefix"]?.GetValue<string>() ?? "api";

    public int MaxConcurrentCalls => Host["extensions"]?["serviceBus"]?["maxConcurrentCalls"]?.GetValue<int>() ?? 16;

    public TimeSpan FunctionTimeout => TimeSpan.TryParse(Host["functionTimeout"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : TimeSpan.FromMinutes(10);

    /// <summary>Resolves %Setting% references as the host does.</summary>
    public static string Resolve(string value, IReadOnlyDictionary<string, string> settings) =>
        value.StartsWith('%') && value.EndsWith('%') && settings.TryGetValue(value.Trim('%'), out var resolved) ? resolved : value;

    public static string Json(object value) => JsonSerializer.Serialize(value);
}
