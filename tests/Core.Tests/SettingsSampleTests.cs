using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SfSync.Deletion;
using SfSync.Planning;
using SfSync.Reconciling;

namespace SfSync.Tests;

/// <summary>local.settings.sample.json is the settings reference: it must name every engine option and bind cleanly.</summary>
public class SettingsSampleTests
{
    private static Dictionary<string, string?> SampleValues()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "local.settings.sample.json")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.FullName, "local.settings.sample.json")));
        return json.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());
    }

    [Fact]
    public void The_sample_binds_and_validates_with_the_documented_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(SampleValues()).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSyncEngine().BuildServiceProvider();

        var sync = services.GetRequiredService<IOptions<SyncOptions>>().Value;
        var planning = services.GetRequiredService<IOptions<PlanningOptions>>().Value;
        var deletions = services.GetRequiredService<IOptions<DeletionOptions>>().Value;

        Assert.Equivalent(new SyncOptions { DefaultAccountOwnerId = "" }, sync);
        Assert.Equivalent(new PlanningOptions(), planning);
        Assert.Equivalent(new DeletionOptions(), deletions);
    }

    [Theory]
    [InlineData(typeof(SyncOptions), SyncOptions.Section)]
    [InlineData(typeof(PlanningOptions), PlanningOptions.Section)]
    [InlineData(typeof(SfSync.Sweeping.SweepOptions), SfSync.Sweeping.SweepOptions.Section)]
    [InlineData(typeof(SfSync.App.Http.AppApiOptions), SfSync.App.Http.AppApiOptions.Section)]
    [InlineData(typeof(SfSync.Salesforce.Rest.SalesforceOptions), SfSync.Salesforce.Rest.SalesforceOptions.Section)]
    [InlineData(typeof(SfSync.State.Tables.TableStateOptions), SfSync.State.Tables.TableStateOptions.Section)]
    [InlineData(typeof(SfSync.Queue.ServiceBus.ServiceBusQueueOptions), SfSync.Queue.ServiceBus.ServiceBusQueueOptions.Section)]
    [InlineData(typeof(SfSync.Scope.ScopeOptions), SfSync.Scope.ScopeOptions.Section)]
    [InlineData(typeof(SfSync.Scope.EntityScopeOptions), SfSync.Scope.ScopeOptions.Section + ":Account")]
    [InlineData(typeof(SfSync.Scope.EntityScopeOptions), SfSync.Scope.ScopeOptions.Section + ":Contact")]
    [InlineData(typeof(EntityDeletionOptions), DeletionOptions.Section + ":Account")]
    [InlineData(typeof(EntityDeletionOptions), DeletionOptions.Section + ":Contact")]
    public void The_sample_names_every_option(Type options, string section)
    {
        var values = SampleValues();
        var missing = options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && (!p.PropertyType.IsClass || p.PropertyType == typeof(string) || p.PropertyType == typeof(Uri)))
            .Select(p => $"{section}:{p.Name}")
            .Where(key => !values.ContainsKey(key))
            .ToList();

        Assert.Empty(missing);
    }
}
