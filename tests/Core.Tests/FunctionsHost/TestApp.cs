using System.Text.Json.Nodes;
using SfSync.FunctionsHost;

namespace SfSync.Tests.FunctionsHost;

/// <summary>
/// A function app of a test's own, written as the host reads one: host.json (with the test's <c>extensions.serviceBus</c>
/// and function timeout) and functions/&lt;Name&gt;/function.json, in a temporary folder removed afterwards.
/// </summary>
internal sealed class TestApp : IDisposable
{
    public const string Queue = "sync-batches";

    public TestApp(JsonObject? serviceBus = null, string functionTimeout = "00:00:30", params (string Name, JsonObject[] Bindings)[] functions)
    {
        Root = Directory.CreateTempSubdirectory("sfsync-app-").FullName;
        var host = new JsonObject { ["version"] = "2.0", ["functionTimeout"] = functionTimeout, ["extensions"] = new JsonObject { ["serviceBus"] = serviceBus ?? [] } };
        File.WriteAllText(Path.Combine(Root, "host.json"), host.ToJsonString());
        foreach (var (name, bindings) in functions)
        {
            var folder = Directory.CreateDirectory(Path.Combine(Root, "functions", name)).FullName;
            File.WriteAllText(Path.Combine(folder, "function.json"), new JsonObject { ["bindings"] = new JsonArray([.. bindings]) }.ToJsonString());
        }

        Directory.CreateDirectory(Path.Combine(Root, "functions"));
    }

    public string Root { get; }

    public FunctionCatalog Catalog() => new(Root);

    /// <summary>The app's queue trigger, named <c>msg</c> as in the research's examples.</summary>
    public static JsonObject Trigger(string cardinality = "one", string queue = Queue) => new()
    {
        ["name"] = "msg",
        ["type"] = "serviceBusTrigger",
        ["direction"] = "in",
        ["queueName"] = queue,
        ["connection"] = "ServiceBusConnection",
        ["cardinality"] = cardinality,
    };

    public static JsonObject Output(string name, string queue) => new()
    {
        ["name"] = name,
        ["type"] = "serviceBus",
        ["direction"] = "out",
        ["queueName"] = queue,
        ["connection"] = "ServiceBusConnection",
    };

    public static JsonObject HttpTrigger() => new() { ["name"] = "req", ["type"] = "httpTrigger", ["direction"] = "in", ["authLevel"] = "function", ["methods"] = new JsonArray("post") };

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
