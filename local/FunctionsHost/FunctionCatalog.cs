using System.Text.Json.Nodes;

namespace SfSync.FunctionsHost;

internal sealed record FunctionDefinition(string Name, JsonObject Trigger, IReadOnlyList<JsonObject> Outputs)
{
    public string TriggerType => Trigger["type"]!.GetValue<string>();

    public string TriggerName => Trigger["name"]!.GetValue<string>();

    public string? Route => Trigger["route"]?.GetValue<string>();

    public IReadOnlyList<string> Methods => Trigger["methods"]?.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()).ToList() ?? ["GET", "POST"];

    public string AuthLevel => Trigger["authLevel"]?.GetValue<string>() ?? "function";

    /// <summary>A serviceBusTrigger with <c>cardinality: many</c> gets a batch of messages per invocation; the default is one.</summary>
    public bool IsBatch => string.Equals(Trigger["cardinality"]?.GetValue<string>(), "many", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<JsonObject> ServiceBusOutputs => Outputs.Where(o => o["type"]?.GetValue<string>() == "serviceBus");
}

/// <summary>What the real host reads: host.json and every functions/&lt;Name&gt;/function.json.</summary>
internal sealed class FunctionCatalog
{
    public FunctionCatalog(string appRoot)
    {
        Host = JsonNode.Parse(File.ReadAllText(Path.Combine(appRoot, "host.json")))!.AsObject();
        ServiceBus = ServiceBusHostOptions.From(Host);
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
        foreach (var function in Functions)
        {
            RefuseWhatTheLocalHostCannotRun(function);
        }
    }

    public JsonObject Host { get; }

    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public string RoutePrefix => Host["extensions"]?["http"]?["routePrefix"]?.GetValue<string>() ?? "api";

    public ServiceBusHostOptions ServiceBus { get; }

    public TimeSpan FunctionTimeout => TimeSpan.TryParse(Host["functionTimeout"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : TimeSpan.FromMinutes(10);

    /// <summary>Resolves %Setting% references as the host does.</summary>
    public static string Resolve(string value, IReadOnlyDictionary<string, string> settings) =>
        value.StartsWith('%') && value.EndsWith('%') && settings.TryGetValue(value.Trim('%'), out var resolved) ? resolved : value;

    /// <summary>
    /// At start-up, as the real host refuses a function it cannot index: Service Bus bindings the local host would run
    /// differently from Azure (or not at all) fail here, by function name, instead of behaving subtly wrong later.
    /// </summary>
    private void RefuseWhatTheLocalHostCannotRun(FunctionDefinition function)
    {
        var trigger = function.Trigger;
        var cardinality = trigger["cardinality"]?.GetValue<string>() ?? "one";
        var unsupported =
            function.ServiceBusOutputs.Any(o => o["queueName"] is null) ? "a Service Bus output without queueName (topics)"
            : function.TriggerType != "serviceBusTrigger" ? null
            : trigger["queueName"] is null ? "a topic subscription (no queueName)"
            : trigger["isSessionsEnabled"]?.GetValue<bool>() == true ? "sessions (isSessionsEnabled)"
            : !cardinality.Equals("one", StringComparison.OrdinalIgnoreCase) && !function.IsBatch ? $"cardinality '{cardinality}'"
            // With more, the extension holds received messages back until enough arrive or maxWaitTime passes; not imitated.
            : function.IsBatch && ServiceBus.MinMessageBatchSize > 1 ? "cardinality many with minMessageBatchSize > 1 (host.json)"
            : null;
        if (unsupported is not null)
        {
            throw new NotSupportedException($"Function '{function.Name}': {unsupported} is not supported by the local host.");
        }
    }
}
