using System.Globalization;

namespace SfSync.FunctionsHost;

/// <summary>The local run's options, read before anything starts: <c>--help</c> and a bad option start nothing.</summary>
internal sealed record CommandLine(bool Help, bool Once, int Seed, int Port, string? Schedule, string? SettingsFile, string? Error)
{
    public const string Usage = """
        Usage: dotnet run --project local/FunctionsHost [-- <options>]

        Runs the sync on this machine: Azurite, the Salesforce emulator, the sample app and a Service Bus broker (the local
        stand-ins, for every dependency local.settings.json or the environment leaves unset), the custom handler and a
        local Functions host on http://127.0.0.1:<port>/api. Syncs at once, then on the schedule, until Ctrl+C or SIGTERM.

        Options:
          --once               exit after the first sync: 0 when it succeeded, 1 otherwise
          --seed <n>           companies the emulator and the sample app seed (default 30; every third is on both sides)
          --port <n>           port of the Functions host (default 7071)
          --schedule <cron>    the timer's NCRONTAB schedule, six fields (default "0 */5 * * * *", or SyncSchedule)
          --settings <file>    the settings file (default local.settings.json in the repository root, if there is one)
          --help, -h           show this and exit

        Settings: built-in local defaults, then the Values of the settings file, then environment variables, which win
        (as with Azure Functions Core Tools). An empty value means unset. Salesforce__LoginUrl, App__BaseUrl, SyncState and
        ServiceBusConnection left empty (SyncState also as UseDevelopmentStorage=true) start the local stand-in; any other
        value is used as it is: a real org, app, storage account or namespace. See README.md, "Set-up".
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var line = new CommandLine(false, false, 30, 7071, null, null, null);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            line = name switch
            {
                "--help" or "-h" or "-?" => line with { Help = true },
                "--once" => line with { Once = true },
                "--seed" => Number(Value()) is { } seed and >= 1 ? line with { Seed = seed } : line with { Error = "--seed takes a number of companies, 1 or more." },
                "--port" => Number(Value()) is { } port and > 0 and < 65536 ? line with { Port = port } : line with { Error = "--port takes a TCP port (1 to 65535)." },
                "--schedule" => Value() is { Length: > 0 } schedule ? line with { Schedule = schedule } : line with { Error = "--schedule takes an NCRONTAB expression (\"0 */5 * * * *\")." },
                "--settings" => Value() is { Length: > 0 } file ? line with { SettingsFile = file } : line with { Error = "--settings takes a file name." },
                _ => line with { Error = $"Unknown option '{name}'." },
            };
            if (line.Error is not null)
            {
                return line;
            }
        }

        return line;
    }

    private static int? Number(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
