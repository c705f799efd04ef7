using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SfSync.Deletion;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests;

/// <summary>
/// The README's settings table is the truth: every default it writes as a value is the default the options bind to when
/// nothing is configured. Rows that describe their default in words instead are named here, so a new row is checked
/// or consciously listed, never skipped.
/// </summary>
public partial class ReadmeSettingsTests
{
    /// <summary>The rows (by their first setting) whose default is a description, and why it cannot be a value.</summary>
    private static readonly Dictionary<string, string> Described = new(StringComparer.Ordinal)
    {
        ["Sync:Mappings:Account"] = "a list: the brief's map, checked by the mapping tests",
        ["Sync:Deletions:{Account,Contact}:WhenDeletedIn{Salesforce,App}"] = "four settings with one exception; the sample test binds them",
        ["Salesforce:LoginUrl"] = "the connection: the emulator locally, an org in Azure",
        ["App:BaseUrl"] = "the connection: the sample app locally, the app in Azure",
        ["SyncState"] = "a connection setting named by Sync:State:Connection, not an option",
        ["ServiceBusConnection"] = "a connection setting named by Sync:Queue:Connection, not an option",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "read by the OpenTelemetry exporter when set; unset, nothing is exported",
    };

    private static readonly (string Section, Func<IServiceProvider, object> Bound)[] Sections =
    [
        (SfSync.Sweeping.SweepOptions.Section, _ => Bind<SfSync.Sweeping.SweepOptions>(SfSync.Sweeping.SweepOptions.Section)),
        (PlanningOptions.Section, s => s.GetRequiredService<IOptions<PlanningOptions>>().Value),
        (DeletionOptions.Section, s => s.GetRequiredService<IOptions<DeletionOptions>>().Value),
        (SfSync.State.Tables.TableStateOptions.Section, _ => Bind<SfSync.State.Tables.TableStateOptions>(SfSync.State.Tables.TableStateOptions.Section)),
        (SfSync.Queue.ServiceBus.ServiceBusQueueOptions.Section, _ => Bind<SfSync.Queue.ServiceBus.ServiceBusQueueOptions>(SfSync.Queue.ServiceBus.ServiceBusQueueOptions.Section)),
        (SfSync.Scope.ScopeOptions.Section, s => s.GetRequiredService<IOptions<SfSync.Scope.ScopeOptions>>().Value),
        (SyncOptions.Section, s => s.GetRequiredService<IOptions<SyncOptions>>().Value),
        (SfSync.Salesforce.Rest.SalesforceOptions.Section, _ => Bind<SfSync.Salesforce.Rest.SalesforceOptions>(SfSync.Salesforce.Rest.SalesforceOptions.Section)),
        (SfSync.App.Http.AppApiOptions.Section, _ => Bind<SfSync.App.Http.AppApiOptions>(SfSync.App.Http.AppApiOptions.Section)),
    ];

    [Fact]
    public void Every_default_the_README_settings_table_writes_is_the_bound_default()
    {
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddSyncEngine().BuildServiceProvider();
        var checkedSettings = new List<string>();
        var problems = new List<string>();
        foreach (var (settings, defaults) in Rows())
        {
            if (Described.ContainsKey(settings[0]))
            {
                continue;
            }

            var values = Ticked().Matches(defaults).Select(m => m.Groups[1].Value).ToList();
            if (values.Count == 0 && defaults.Trim() == "empty")
            {
                values = [.. settings.Select(_ => "")];
            }

            if (values.Count != settings.Count)
            {
                problems.Add($"{string.Join(", ", settings)}: {settings.Count} settings but {values.Count} default values in '{defaults}' (write each default as `value`, or list the row as described)");
                continue;
            }

            foreach (var (setting, documented) in settings.Zip(values))
            {
                var (property, actual) = Resolve(services, setting);
                if (property is null)
                {
                    problems.Add($"{setting}: no option binds it");
                    continue;
                }

                var expected = documented.Length == 0 ? null : TypeDescriptor.GetConverter(property.PropertyType).ConvertFromInvariantString(documented);
                if (!Equals(expected, actual is "" ? null : actual))
                {
                    problems.Add($"{setting}: the README says `{documented}`, the bound default is `{Convert.ToString(actual, CultureInfo.InvariantCulture)}`");
                }

                checkedSettings.Add(setting);
            }
        }

        Assert.Empty(problems);
        Assert.Contains("Sync:AccountMatching", checkedSettings);
        Assert.True(checkedSettings.Count >= 12, string.Join(", ", checkedSettings));
    }

    /// <summary>The settings table of the Configuration section: each row's setting names (a bare name continues the
    /// previous one's section, as in <c>`Sync:Planning:DeferralBaseDelay` / `DeferralMaxDelay`</c>) and its default cell.</summary>
    private static IEnumerable<(List<string> Settings, string Default)> Rows()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        var rows = section.Split('\n').SkipWhile(l => !l.StartsWith("| setting | default |", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var cells = row.Split('|');
            var names = new List<string>();
            foreach (var name in Ticked().Matches(cells[1]).Select(m => m.Groups[1].Value).Where(n => !n.Contains("__", StringComparison.Ordinal)))
            {
                names.Add(!name.Contains(':', StringComparison.Ordinal) && names.Count > 0 ? names[^1][..(names[^1].LastIndexOf(':') + 1)] + name : name);
            }

            yield return (names, cells[2]);
        }
    }

    private static (PropertyInfo? Property, object? Value) Resolve(IServiceProvider services, string setting)
    {
        var (section, bound) = Sections.FirstOrDefault(s => setting.StartsWith(s.Section + ":", StringComparison.Ordinal));
        if (bound is null)
        {
            return (null, null);
        }

        object? target = bound(services);
        PropertyInfo? property = null;
        foreach (var part in setting[(section.Length + 1)..].Split(':'))
        {
            property = target?.GetType().GetProperty(part, BindingFlags.Public | BindingFlags.Instance);
            target = property?.GetValue(target);
        }

        return (property, target);
    }

    private static T Bind<T>(string section)
        where T : new() => new ConfigurationBuilder().Build().GetSection(section).Get<T>() ?? new T();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Ticked();
}
