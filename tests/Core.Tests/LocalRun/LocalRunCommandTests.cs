using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.LocalRun;

/// <summary>
/// The local run as a person starts it: the command with its options, a copied settings sample, environment variables,
/// and the signals that stop it. Each test starts its own local run as a process (in the LocalRun collection, so they do
/// not run alongside the shared one).
/// </summary>
[Collection(LocalRunCollection.Name)]
public sealed partial class LocalRunCommandTests(LocalRunFixture run) : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sfsync-localrun-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ChildProcess Start(IDictionary<string, string>? environment, params string[] args) =>
        ChildProcess.Start("dotnet", [RepoPaths.Built(Path.Combine("local", "FunctionsHost"), "SfSync.FunctionsHost.dll"), .. args], RepoPaths.Root, environment);

    private static string Port() => ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture);

    private string CopiedSample()
    {
        var file = Path.Combine(_dir, "local.settings.json");
        File.Copy(Path.Combine(RepoPaths.Root, "local.settings.sample.json"), file);
        return file;
    }

    /// <summary>The three lines of a run's summary: per side, then conflicts and blanks.</summary>
    private static string Summary(string output) =>
        string.Join("\n", output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("  Salesforce: ", StringComparison.Ordinal) || l.StartsWith("  App: ", StringComparison.Ordinal) || l.StartsWith("  Conflicts resolved", StringComparison.Ordinal)).Take(3));

    [Fact]
    public async Task Help_lists_the_options_and_exits_0_without_starting_anything()
    {
        using var help = Start(null, "--help");
        Assert.Equal(0, await help.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        foreach (var option in new[] { "--once", "--seed", "--port", "--schedule", "--settings", "--help" })
        {
            Assert.Contains(option, help.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("listening", help.Output, StringComparison.Ordinal);

        using var bad = Start(null, "--bogus");
        Assert.Equal(2, await bad.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Unknown option '--bogus'. (--help lists the options)", bad.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_copied_sample_starts_every_stand_in_and_a_fresh_start_syncs_to_the_same_summary_without_warnings()
    {
        // The environment wins over the file, as in Core Tools: these two give the copied sample the demo's settings,
        // so this fresh start must end exactly as the shared local run's (same seed) did.
        var environment = new Dictionary<string, string> { ["Sync__AccountMatching"] = "ExactName", ["Sync__Planning__DeferralBaseDelay"] = "00:00:05" };
        using var local = Start(environment, "--once", "--seed", "12", "--port", Port(), "--settings", CopiedSample());

        Assert.True(await local.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, local.Output);
        foreach (var standIn in new[] { "Azurite (in memory) (pid", "Salesforce emulator (pid", "sample app (pid", "Service Bus: local broker" })
        {
            Assert.Contains(standIn, local.Output, StringComparison.Ordinal);
        }

        Assert.Contains("skipping Sync__AccountMatching from local.settings.json: the environment sets it", local.Output, StringComparison.Ordinal);
        Assert.Single(RunSummaries().Matches(local.Output));
        Assert.DoesNotMatch(Warnings(), local.Output);
        Assert.Equal(ExpectedFirstSummary, Summary(local.Output));
        Assert.Equal(Summary(local.Output), Summary(run.FirstSyncOutput));
    }

    [Fact]
    public async Task An_environment_variable_wins_over_the_settings_file_and_a_refused_secret_fails_the_run_with_its_reason()
    {
        const string secret = "not-the-secret-4711";
        using var local = Start(new Dictionary<string, string> { ["Salesforce__ClientSecret"] = secret }, "--once", "--seed", "1", "--port", Port(), "--settings", CopiedSample());

        Assert.True(await local.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 1, local.Output);
        Assert.Contains("skipping Salesforce__ClientSecret from local.settings.json: the environment sets it", local.Output, StringComparison.Ordinal);
        Assert.Matches(@"Run \S+: Failed in [\d.]+ s — Planning stopped: .*(client|secret|credentials)", local.Output);
        Assert.DoesNotContain(secret, local.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGTERM_stops_the_handler_the_stand_ins_and_the_host_within_seconds()
    {
        using var local = await StartedAsync();
        var children = Pids(local.Output);
        Assert.Equal(3, children.Count); // Azurite, the emulator, the sample app

        var stopwatch = Stopwatch.StartNew();
        Signal("TERM", local.Pid);

        Assert.Equal(0, await local.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"stopped in {stopwatch.Elapsed}");
        Assert.Contains("SIGTERM: stopping", local.Output, StringComparison.Ordinal);
        await AllGoneAsync(children);
    }

    [Fact]
    public async Task A_stand_in_that_dies_ends_the_run_with_a_line_naming_it()
    {
        using var local = await StartedAsync();
        var children = Pids(local.Output);
        var emulator = int.Parse(EmulatorPid().Match(local.Output).Groups[1].Value, CultureInfo.InvariantCulture);

        Signal("KILL", emulator);

        Assert.Equal(1, await local.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains($"Salesforce emulator (pid {emulator}) exited with code", local.Output, StringComparison.Ordinal);
        Assert.Contains("stopping the local run", local.Output, StringComparison.Ordinal);
        await AllGoneAsync(children);
    }

    /// <summary>A local run past its first sync, syncing on a schedule that will not fire during the test.</summary>
    private static async Task<ChildProcess> StartedAsync()
    {
        var local = Start(null, "--seed", "1", "--port", Port(), "--schedule", "0 0 0 1 1 *");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!local.Output.Contains("syncing on the schedule", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !local.HasExited, local.Output);
            await Task.Delay(200);
        }

        return local;
    }

    private static List<int> Pids(string output) => ChildPids().Matches(output).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task AllGoneAsync(IEnumerable<int> pids)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        foreach (var pid in pids)
        {
            while (Alive(pid))
            {
                Assert.True(DateTime.UtcNow < deadline, $"process {pid} still runs");
                await Task.Delay(100);
            }
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The first sync of seed 12 with the demo's settings: 12 companies (4 on both sides) and their 24 contacts.</summary>
    internal const string ExpectedFirstSummary = """
          Salesforce: 12 created, 4 updated, 0 deleted, 28 unchanged, 0 skipped, 0 failed
          App:        12 created, 4 updated, 0 deleted, 28 unchanged, 0 skipped, 0 failed
          Conflicts resolved for Salesforce: 4; blanks filled: 8
        """;

    [GeneratedRegex(@"^Run \S+: \w+ in ", RegexOptions.Multiline)]
    private static partial Regex RunSummaries();

    [GeneratedRegex(@"\b(warn|fail|crit):|Exception", RegexOptions.IgnoreCase)]
    private static partial Regex Warnings();

    [GeneratedRegex(@"\(pid (\d+)\) listening")]
    private static partial Regex ChildPids();

    [GeneratedRegex(@"Salesforce emulator \(pid (\d+)\) listening")]
    private static partial Regex EmulatorPid();
}
