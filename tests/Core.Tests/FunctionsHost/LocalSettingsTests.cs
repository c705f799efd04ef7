using System.Collections;
using SfSync.FunctionsHost;

namespace SfSync.Tests.FunctionsHost;

/// <summary>The local run's settings take the precedence of Azure Functions Core Tools: environment, then file, then defaults.</summary>
public sealed class LocalSettingsTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"sfsync-settings-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    private async Task<LocalSettings> LoadAsync(string values, IDictionary environment)
    {
        await File.WriteAllTextAsync(_file, $$"""{ "IsEncrypted": false, "Values": { {{values}} } }""");
        return await LocalSettings.LoadAsync(new Dictionary<string, string> { ["FunctionKey"] = "local-function-key", ["Salesforce__ClientSecret"] = "local-client-secret", ["Sync__AccountMatching"] = "ExactName" }, _file, environment, CancellationToken.None);
    }

    [Theory]
    // name, in the file, in the environment, value, source
    [InlineData("FunctionKey", null, null, "local-function-key", "Default")]
    [InlineData("FunctionKey", "file-key", null, "file-key", "File")]
    [InlineData("FunctionKey", "file-key", "env-key", "env-key", "Environment")]
    [InlineData("FunctionKey", null, "env-key", "env-key", "Environment")]
    [InlineData("FunctionKey", "", null, "local-function-key", "Default")]          // empty in the file: unset
    [InlineData("FunctionKey", "file-key", "", "file-key", "File")]               // empty in the environment: unset, as in Core Tools
    [InlineData("Salesforce__LoginUrl", null, "https://test.salesforce.com", "https://test.salesforce.com", "Environment")] // a product setting only the environment names
    [InlineData("Salesforce__LoginUrl", "", null, null, null)]
    public async Task A_setting_comes_from_the_environment_then_the_file_then_the_defaults(string name, string? inFile, string? inEnvironment, string? value, string? source)
    {
        var environment = new Hashtable { ["UNRELATED"] = "x" };
        if (inEnvironment is not null)
        {
            environment[name] = inEnvironment;
        }

        var settings = await LoadAsync(inFile is null ? "\"Other\": \"1\"" : $"\"{name}\": \"{inFile}\"", environment);

        Assert.Equal((value, source), (settings[name], settings.SourceOf(name)?.ToString()));
        Assert.Null(settings["UNRELATED"]); // the rest of the environment reaches the handler as it is, not through the settings
    }

    [Fact]
    public async Task The_names_the_environment_overrides_in_the_file_are_listed_for_the_skipping_notice()
    {
        var settings = await LoadAsync("\"Salesforce__ClientSecret\": \"from-file\", \"FunctionKey\": \"file-key\"", new Hashtable { ["Salesforce__ClientSecret"] = "from-env" });

        Assert.Equal(["Salesforce__ClientSecret"], settings.OverriddenByEnvironment);
        Assert.Equal("Salesforce__ClientSecret from the environment", settings.Describe("Salesforce__ClientSecret"));
        Assert.Equal($"FunctionKey from {Path.GetFileName(_file)}", settings.Describe("FunctionKey"));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("UseDevelopmentStorage=true", true)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=real;AccountKey=a2V5;EndpointSuffix=core.windows.net", false)]
    public async Task Storage_gets_its_stand_in_when_unset_or_the_development_storage_marker(string? value, bool standIn)
    {
        var settings = await LoadAsync(value is null ? "\"Other\": \"1\"" : $"\"SyncState\": \"{value}\"", new Hashtable());

        Assert.Equal(standIn, LocalStack.UsesStandIn(settings, "SyncState"));
    }
}
