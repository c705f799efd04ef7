using System.Text.RegularExpressions;

namespace SfSync.Tests;

/// <summary>The engine stays host-independent, and the adapters stay behind the ports.</summary>
public partial class ArchitectureTests
{
    private static readonly string CoreDir = Path.Combine(RepoRoot(), "core");

    /// <summary>Folders of the engine proper; adapters live in their own folders beside them.</summary>
    private static readonly string[] EngineFolders = ["Model", "Mapping", "Merge", "Linking", "Deletion", "Planning", "Reconciling", "Runs"];

    [Fact]
    public void Nothing_under_core_references_ASP_NET_Core_or_Azure_Functions()
    {
        var offenders = Directory.EnumerateFiles(CoreDir, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => HostingReference().IsMatch(File.ReadAllText(f)))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void The_engine_references_no_Azure_SDK_and_no_HTTP_client()
    {
        var engineFiles = EngineFolders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(CoreDir, folder), "*.cs", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(CoreDir, "*.cs", SearchOption.TopDirectoryOnly))
            .Concat(new[] { "Salesforce", "App", "State" }.SelectMany(port => Directory.EnumerateFiles(Path.Combine(CoreDir, port), "*.cs", SearchOption.TopDirectoryOnly)));
        var offenders = engineFiles.Where(f => AdapterReference().IsMatch(File.ReadAllText(f))).ToList();

        Assert.NotEmpty(engineFiles);
        Assert.Empty(offenders);
    }

    [Fact]
    public void Core_is_internal_except_the_types_the_tests_table_rows_name()
    {
        // xunit runs public test methods, so a decision enum or value a [Theory] row carries must be public; nothing else.
        string[] needed =
        [
            "ApiUsage", "BatchStatus", "BudgetCase", "ConnectionProblem", "DeadLetterListing", "DeadLetteredBatch", "EntityKind",
            "HealthStatus", "MergeCase", "OverlapCase", "ReplayCase", "RunOutcomeKind", "SalesforceAuthFlow", "SideProblem",
        ];
        var exported = typeof(SfSync.Model.EntityKind).Assembly.GetExportedTypes().Where(t => !t.IsNested).Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(needed, exported);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Serverless.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"Microsoft\.AspNetCore|Microsoft\.Azure\.Functions|Microsoft\.Azure\.WebJobs")]
    private static partial Regex HostingReference();

    [GeneratedRegex(@"using\s+(Azure[.;]|System\.Net\.Http|Refit)|\bHttpClient\b|\bTableClient\b")]
    private static partial Regex AdapterReference();
}
