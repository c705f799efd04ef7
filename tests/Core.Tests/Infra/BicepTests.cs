using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Infra;

/// <summary>infra/ compiles and lints clean with the Bicep CLI from NuGet, and sets every setting the product reads.</summary>
public partial class BicepTests
{
    private static readonly string Bicep = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;

    /// <summary>Settings of a local run that Azure replaces with identity-based or platform equivalents.</summary>
    private static readonly Dictionary<string, string> LocalOnly = new()
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "Flex Consumption sets the runtime in functionAppConfig",
        ["AzureWebJobsStorage"] = "AzureWebJobsStorage__accountName",
        ["SyncState"] = "SyncState__tableServiceUri",
        ["FunctionKey"] = "the local host's key; Azure issues real function keys",
    };

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        Assert.True(File.Exists(Bicep), $"The Bicep CLI was not restored to {Bicep}.");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Bicep, File.GetUnixFileMode(Bicep) | UnixFileMode.UserExecute);
        }
        using var process = ChildProcess.Start(Bicep, args, RepoPaths.Root);
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (exit, process.Output);
    }

    [Fact]
    public async Task main_bicep_builds_with_no_error_or_warning()
    {
        var output = Path.Combine(Path.GetTempPath(), $"sfsync-main-{Guid.NewGuid():N}.json");
        var (exit, text) = await RunAsync("build", "infra/main.bicep", "--outfile", output);

        Assert.True(exit == 0 && text.Trim().Length == 0, text);
        using var template = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        Assert.Equal("https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", template.RootElement.GetProperty("$schema").GetString());
        File.Delete(output);
    }

    [Fact]
    public async Task main_bicep_lints_with_no_finding()
    {
        var (exit, text) = await RunAsync("lint", "infra/main.bicep");

        Assert.True(exit == 0 && text.Trim().Length == 0, text);
    }

    [Fact]
    public void Every_setting_the_product_reads_is_set_in_Azure()
    {
        var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "app", "sync-function.bicep"));
        var block = bicep[bicep.IndexOf("// app-settings:begin", StringComparison.Ordinal)..bicep.IndexOf("// app-settings:end", StringComparison.Ordinal)];
        var inAzure = SettingKey().Matches(block).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var read = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();

        var missing = read.Where(name => !inAzure.Contains(name) && !LocalOnly.ContainsKey(name)).ToList();

        Assert.Empty(missing);
        Assert.All(LocalOnly.Values.Where(v => v.Contains("__", StringComparison.Ordinal)), replacement => Assert.Contains(replacement, inAzure));
        Assert.DoesNotContain(inAzure, name => name.Contains("ConnectionString", StringComparison.Ordinal) && name != "APPLICATIONINSIGHTS_CONNECTION_STRING");
    }

    [Fact]
    public void Secrets_come_from_Key_Vault_references_only()
    {
        var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "app", "sync-function.bicep"));

        foreach (var setting in new[] { "Salesforce__ClientSecret", "Salesforce__Password", "Salesforce__SecurityToken", "Salesforce__RefreshToken", "Salesforce__JwtCertificate", "App__ApiKey" })
        {
            Assert.Matches($@"{setting}: [^\n]*secret\.", bicep);
        }

        Assert.All(SecretReference().Matches(bicep), m => Assert.StartsWith("'@Microsoft.KeyVault(SecretUri=${kv}/", m.Value, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\s+([A-Za-z_][A-Za-z0-9_]*):", RegexOptions.Multiline)]
    private static partial Regex SettingKey();

    [GeneratedRegex(@"'@Microsoft\.KeyVault\([^']*'")]
    private static partial Regex SecretReference();
}
