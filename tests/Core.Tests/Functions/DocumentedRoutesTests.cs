using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Functions;

/// <summary>The HTTP API the README documents is the one the function.json files bind, in both directions: renaming a
/// route, or adding one nobody documented, fails here.</summary>
public partial class DocumentedRoutesTests
{
    [Fact]
    public void Every_route_in_the_README_is_bound_by_a_function_and_every_bound_route_is_documented()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var documented = DocumentedRoute().Matches(readme)
            .Select(m => $"{m.Groups["method"].Value} {Normalize(m.Groups["path"].Value)}")
            .ToHashSet(StringComparer.Ordinal);

        var bound = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "functions"), "function.json", SearchOption.AllDirectories)
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!["bindings"]!.AsArray().FirstOrDefault(b => b!["type"]!.GetValue<string>() == "httpTrigger"))
            .OfType<JsonNode>()
            .SelectMany(t => t["methods"]!.AsArray().Select(m => $"{m!.GetValue<string>().ToUpperInvariant()} {Normalize("/api/" + t["route"]!.GetValue<string>())}"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(bound);
        Assert.Equal(bound.Order(), documented.Order());
    }

    /// <summary>Route parameters become <c>{}</c>, and a documented alternative such as <c>{salesforce|app}</c> is one parameter.</summary>
    private static string Normalize(string path) => Parameter().Replace(path.Split('?')[0].TrimEnd('/'), "{}");

    [GeneratedRegex(@"`(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/api/[^`\s]*)")]
    private static partial Regex DocumentedRoute();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
