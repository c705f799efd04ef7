using Xunit.Abstractions;

namespace SfSync.Tests.Convergence;

/// <summary>
/// The randomized, deterministic fault suite of issue 10: thousands of seeded scenarios, each interleaving people,
/// planner runs, deliveries and faults at every port call, then healed, quiesced and checked against the spec.
/// CONVERGENCE_SCENARIOS / CONVERGENCE_SEED choose the seeds; CONVERGENCE_ONLY_SEED runs one seed and prints its whole trace.
/// </summary>
public class ConvergenceSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public void Randomized_scenarios_keep_every_promise_of_the_spec()
    {
        var settings = SuiteSettings.FromEnvironment();
        if (settings.OnlySeed is { } seed)
        {
            var result = ScenarioRunner.Run(ConvergenceSuite.Replay(settings, seed), traceLines: int.MaxValue);
            output.WriteLine(ConvergenceSuite.Describe(result, int.MaxValue));
            Assert.False(result.Failed, ConvergenceSuite.Describe(result, 60));
            return;
        }

        var report = ConvergenceSuite.Run(settings);
        var summary = report.Summary();
        output.WriteLine(summary);
        output.WriteLine(report.Details);
        if (settings.ReportPath is { } path)
        {
            File.WriteAllText(path, summary + "\n" + report.Details);
        }

        Assert.True(report.Failed == 0, summary + "\n" + report.Details);
    }

    [Fact]
    public void The_same_seed_gives_the_same_trace_twice()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            var spec = ScenarioSpec.Generate(seed * 7);
            var first = ScenarioRunner.Run(spec, traceLines: int.MaxValue);
            var second = ScenarioRunner.Run(spec, traceLines: int.MaxValue);
            Assert.True(first.Digest == second.Digest, $"seed {spec.Seed}: the traces differ\n--- first\n{first.Trace}\n--- second\n{second.Trace}");
            Assert.Equal(first.Trace, second.Trace);
            Assert.DoesNotContain(first.Findings, f => f.Kind == FindingKind.Nondeterministic);
        }
    }

    [Fact]
    public void Scenarios_run_concurrent_actors_and_inject_every_kind_of_fault()
    {
        // The suite is only as good as its reach: over a few hundred seeds, every fault and interleaving must occur.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var seed = 1; seed <= 300; seed++)
        {
            var result = ScenarioRunner.Run(ScenarioSpec.Generate(seed), traceLines: int.MaxValue);
            foreach (var line in result.Trace.Split('\n'))
            {
                foreach (var marker in Markers.Where(m => line.Contains(m, StringComparison.Ordinal)))
                {
                    seen.Add(marker);
                }
            }
        }

        Assert.Empty(Markers.Except(seen));
    }

    private static readonly string[] Markers =
    [
        "!Unavailable", "!Throttled", "!LostAnswer", "!Crash", "!CrashAfter", "!StorageError",
        "UNABLE_TO_LOCK_ROW", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "app rejects", "lost by the queue", "delivered twice", "dead-lettered", "scheduled for", "replays the dead-letter queue", "the queue refused",
        "slow save", "commits", "clock jumps", "outage", "usage spikes", "moves Salesforce contact", "moves app contact",
        "deletes Salesforce Account", "deletes app Account", "deletes Salesforce Contact", "deletes app Contact", "resync-", "record-", "import",
        "sync_disabled", "∅", "twin group", "Table Storage outage",
        "composite×2 SfRead", "composite×2 SfWrite", "composite×2 SfRead !", "lost while its handler runs", "died: its", "failed: its",
    ];
}
