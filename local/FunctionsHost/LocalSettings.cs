using System.Collections;
using System.Text.Json;

namespace SfSync.FunctionsHost;

/// <summary>Where a setting's value came from, so the local run can say what it uses.</summary>
internal enum SettingSource
{
    /// <summary>The local run's own default (the stand-ins' documented local credentials, the demo's settings).</summary>
    Default,

    /// <summary>The Values of the settings file.</summary>
    File,

    /// <summary>An environment variable of the local run's process.</summary>
    Environment,
}

/// <summary>
/// The app settings of a local run, with the precedence of Azure Functions Core Tools: the Values of the settings file
/// become environment variables only where the environment does not already set the name (Core Tools' "Skipping 'X'
/// from local settings as it's already defined in current environment variables"), so an environment variable wins over
/// the file, and both win over the local run's defaults. An empty value counts as unset everywhere, as in Core Tools.
/// In Azure the app settings are environment variables too, so a setting reaches the handler the same way in both.
/// </summary>
internal sealed class LocalSettings
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SettingSource> _sources = new(StringComparer.OrdinalIgnoreCase);

    public string? FileName { get; private init; }

    /// <summary>Names the file sets that the environment overrides.</summary>
    public IReadOnlyList<string> OverriddenByEnvironment { get; private init; } = [];

    /// <summary>The settings the handler gets (and the local host reads): every name set by any of the three sources.</summary>
    public Dictionary<string, string> Values => _values;

    public static async Task<LocalSettings> LoadAsync(IReadOnlyDictionary<string, string> defaults, string? file, IDictionary environment, CancellationToken cancellationToken)
    {
        var fromFile = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (file is not null && File.Exists(file))
        {
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken));
            if (json.RootElement.TryGetProperty(nameof(Values), out var values))
            {
                foreach (var value in values.EnumerateObject())
                {
                    if (value.Value.ValueKind == JsonValueKind.String && value.Value.GetString() is { Length: > 0 } text)
                    {
                        fromFile[value.Name] = text;
                    }
                }
            }
        }
        else
        {
            file = null;
        }

        var fromEnvironment = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && entry.Value is string { Length: > 0 } text)
            {
                fromEnvironment[name] = text;
            }
        }

        var settings = new LocalSettings { FileName = file, OverriddenByEnvironment = fromFile.Keys.Where(fromEnvironment.ContainsKey).Order(StringComparer.Ordinal).ToList() };
        foreach (var (name, value) in defaults)
        {
            settings.Set(name, value, SettingSource.Default);
        }

        foreach (var (name, value) in fromFile)
        {
            settings.Set(name, value, SettingSource.File);
        }

        // Only the names the product or the local host reads: the rest of the environment reaches the handler anyway,
        // as a process's environment does, but is not the local run's business.
        foreach (var name in settings._values.Keys.Concat(KnownNames).Distinct(StringComparer.OrdinalIgnoreCase).ToList())
        {
            if (fromEnvironment.TryGetValue(name, out var value))
            {
                settings.Set(name, value, SettingSource.Environment);
            }
        }

        foreach (var (name, value) in fromEnvironment.Where(e => IsProductSetting(e.Key)))
        {
            settings.Set(name, value, SettingSource.Environment);
        }

        return settings;
    }

    /// <summary>The value, or null when no source sets it.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name);

    public SettingSource? SourceOf(string name) => _sources.TryGetValue(name, out var source) ? source : null;

    /// <summary>How the local run names a setting's origin in its output.</summary>
    public string Describe(string name) => SourceOf(name) switch
    {
        SettingSource.File => $"{name} from {Path.GetFileName(FileName)}",
        SettingSource.Environment => $"{name} from the environment",
        SettingSource.Default => $"{name}, the local run's default",
        _ => $"{name} unset",
    };

    /// <summary>A value the local run itself puts in (a stand-in's address): it is no one's choice, so no source wins over it.</summary>
    public void Provide(string name, string value)
    {
        _values[name] = value;
        _sources[name] = SettingSource.Default;
    }

    public void Remove(string name)
    {
        _values.Remove(name);
        _sources.Remove(name);
    }

    private void Set(string name, string value, SettingSource source)
    {
        _values[name] = value;
        _sources[name] = source;
    }

    /// <summary>Settings the product binds (<c>Sync__…</c>, <c>Salesforce__…</c>, <c>App__…</c>), however they are nested.</summary>
    private static bool IsProductSetting(string name) =>
        name.StartsWith("Sync__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Salesforce__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("App__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("SyncState", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ServiceBusConnection", StringComparison.OrdinalIgnoreCase);

    private static readonly string[] KnownNames = ["FunctionKey", "SyncSchedule", "SweepSchedule", "SyncState", "ServiceBusConnection", "AzureWebJobsServiceBus", "Logging__LogLevel__Default"];
}
