using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SfSync.Tests.Convergence;

/// <summary>Settings from the environment: CONVERGENCE_SCENARIOS, CONVERGENCE_SEED, CONVERGENCE_ONLY_SEED (+ CONVERGENCE_KEEP, CONVERGENCE_OFF to replay a shrunk run), CONVERGENCE_REPORT.</summary>
internal sealed record SuiteSettings(int Scenarios, int FirstSeed, int? OnlySeed, IReadOnlyList<int>? Keep, FaultKinds Off, string? ReportPath, int Shrink, int Threads)
{
    /// <summary>What CI runs (seeds 1..3000). The soak (bench/convergence-soak.sh) still finds a few later seeds with a
    /// finding (about 4 in 10,000 at the last count, listed in FINDINGS.md): issue 10 stays open until it finds none.</summary>
    public const int DefaultScenarios = 3000;

    public static SuiteSettings FromEnvironment()
    {
        static int? Int(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        var keep = Environment.GetEnvironmentVariable("CONVERGENCE_KEEP")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var off = Enum.TryParse<FaultKinds>(Environment.GetEnvironmentVariable("CONVERGENCE_OFF"), ignoreCase: true, out var o) ? o : FaultKinds.None;
        return new SuiteSettings(
            Int("CONVERGENCE_SCENARIOS") ?? DefaultScenarios,
            Int("CONVERGENCE_SEED") ?? 1,
            Int("CONVERGENCE_ONLY_SEED"),
            keep,
            off,
            Environment.GetEnvironmentVariable("CONVERGENCE_REPORT"),
            Int("CONVERGENCE_SHRINK") ?? 6,
            Int("CONVERGENCE_THREADS") ?? Environment.ProcessorCount);
    }
}

internal sealed record SuiteReport(
    int Scenarios,
    int FirstSeed,
    TimeSpan Elapsed,
    int Failed,
    IReadOnlyDictionary<FindingKind, int> ScenariosByKind,
    IReadOnlyDictionary<FindingKind, IReadOnlyList<int>> SeedsByKind,
    long Steps,
    string Details)
{
    public double PerSecond => Scenarios / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Scenarios} scenarios (seeds {FirstSeed}..{FirstSeed + Scenarios - 1}) in {Elapsed.TotalSeconds:0.0} s: {PerSecond:0.0} scenarios/s, {Steps / Math.Max(Scenarios, 1)} port calls per scenario");
        text.AppendLine(CultureInfo.InvariantCulture, $"{Failed} scenarios with findings");
        foreach (var (kind, count) in ScenariosByKind.OrderByDescending(p => p.Value).ThenBy(p => p.Key))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {kind,-22} {count,7} scenarios   e.g. seeds {string.Join(", ", SeedsByKind[kind].Take(20))}");
        }

        return text.ToString();
    }
}

/// <summary>Runs many scenarios on a few threads (each scenario is single-threaded and independent), samples determinism, shrinks the first failures.</summary>
internal static class ConvergenceSuite
{
    /// <summary>Every this many seeds the scenario runs twice and must give the same digest.</summary>
    public const int DeterminismSample = 50;

    public static SuiteReport Run(SuiteSettings settings, int traceLines = 30)
    {
        var watch = Stopwatch.StartNew();
        var gate = new Lock();
        var counts = new Dictionary<FindingKind, int>();
        var seeds = new Dictionary<FindingKind, List<int>>();
        var examples = new Dictionary<FindingKind, ScenarioResult>(); // the smallest seed per class
        var failed = 0;
        long steps = 0;
        var next = settings.FirstSeed - 1;
        var last = settings.FirstSeed + settings.Scenarios - 1;
        var threads = Enumerable.Range(0, Math.Max(1, settings.Threads)).Select(_ => new Thread(() =>
        {
            int seed;
            while ((seed = Interlocked.Increment(ref next)) <= last)
            {
                var spec = ScenarioSpec.Generate(seed);
                var result = ScenarioRunner.Run(spec, traceLines: 0);
                Interlocked.Add(ref steps, result.Steps);
                if (seed % DeterminismSample == 0)
                {
                    var again = ScenarioRunner.Run(spec, traceLines: 0);
                    if (again.Digest != result.Digest)
                    {
                        result = result with { Findings = [.. result.Findings, new Finding(FindingKind.Nondeterministic, $"seed {seed}: digest {result.Digest:x16} then {again.Digest:x16}")] };
                    }
                }

                if (!result.Failed)
                {
                    continue;
                }

                lock (gate)
                {
                    failed++;
                    foreach (var kind in result.Kinds)
                    {
                        counts[kind] = counts.GetValueOrDefault(kind) + 1;
                        var list = seeds.TryGetValue(kind, out var l) ? l : seeds[kind] = [];
                        list.Add(seed);
                        if (!examples.TryGetValue(kind, out var example) || example.Spec.Seed > seed)
                        {
                            examples[kind] = result;
                        }
                    }
                }
            }
        }, 16 * 1024 * 1024)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        watch.Stop();

        var byKind = counts;
        var seedsByKind = seeds.ToDictionary(p => p.Key, p => (IReadOnlyList<int>)p.Value.Order().Take(20).ToList());

        // One example per class, rarest class first (one class is in almost every scenario on an engine with issue 12).
        var details = new StringBuilder();
        var shown = 0;
        var covered = new HashSet<FindingKind>();
        foreach (var (kind, _) in byKind.OrderBy(p => p.Value).ThenBy(p => p.Key))
        {
            var failure = examples[kind];
            if (covered.Contains(kind))
            {
                continue; // an example above shows it too
            }

            if (shown++ < settings.Shrink)
            {
                var (shrunk, replay) = Shrink(failure, kind);
                covered.UnionWith(shrunk.Kinds.Where(k => byKind.GetValueOrDefault(k) < failed)); // not the class every scenario has
                details.AppendLine(Describe(shrunk, traceLines, replay, kind));
            }
            else
            {
                details.AppendLine(CultureInfo.InvariantCulture, $"--- {kind}: e.g. {failure.Spec} (CONVERGENCE_ONLY_SEED={failure.Spec.Seed}): {failure.Findings.First(f => f.Kind == kind).Detail}");
            }
        }

        return new SuiteReport(settings.Scenarios, settings.FirstSeed, watch.Elapsed, failed, byKind, seedsByKind, steps, details.ToString());
    }

    public static ScenarioSpec Replay(SuiteSettings settings, int seed)
    {
        var spec = ScenarioSpec.Generate(seed);
        if (settings.Keep is { } keep)
        {
            spec = spec with { Events = keep.Where(i => i < spec.Events.Count).Select(i => spec.Events[i]).ToArray() };
        }

        return spec with { Off = settings.Off };
    }

    public static string Describe(ScenarioResult result, int traceLines, string? replay = null, FindingKind? focus = null)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"--- {result.Spec}");
        if (replay is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  replay: {replay}");
        }

        foreach (var finding in result.Findings.OrderBy(f => f.Kind == focus ? 0 : 1).Take(12))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {finding}");
        }

        if (result.Findings.Count > 12)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  ... and {result.Findings.Count - 12} more");
        }

        if (result.Trace.Length > 0)
        {
            var lines = result.Trace.Split('\n');
            if (focus is { } kind && traceLines < int.MaxValue)
            {
                // The steps that touched the records the finding names, then the last few steps.
                var labels = result.Findings.Where(f => f.Kind == kind)
                    .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(f.Detail, @"\bL\d+\b").Select(m => m.Value))
                    .Distinct(StringComparer.Ordinal).Take(6).ToArray();
                var relevant = lines.Where(l => labels.Any(label => System.Text.RegularExpressions.Regex.IsMatch(l, $@"(\b|=){label}\b")) || l.Contains("FINDING", StringComparison.Ordinal)).TakeLast(traceLines).ToList();
                if (relevant.Count > 0)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"  trace of {string.Join(", ", labels)}:");
                    text.AppendLine("    " + string.Join("\n    ", relevant));
                }

                lines = lines.TakeLast(8).ToArray();
            }
            else
            {
                lines = lines.TakeLast(traceLines).ToArray();
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  last {lines.Length} trace lines:");
            text.AppendLine("    " + string.Join("\n    ", lines));
        }

        return text.ToString();
    }

    /// <summary>
    /// Re-runs the seed with fault families switched off and events dropped while the scenario still shows its first
    /// finding's class; returns the smallest run found (with its trace), and how to replay it.
    /// </summary>
    public static (ScenarioResult Result, string Replay) Shrink(ScenarioResult failure, FindingKind kind, int budget = 40)
    {
        var spec = failure.Spec;
        var original = ScenarioSpec.Generate(spec.Seed);
        var kept = Enumerable.Range(0, spec.Events.Count).ToList();
        var runs = 0;

        ScenarioSpec With(IReadOnlyList<int> indexes, FaultKinds off) => spec with { Events = indexes.Select(i => original.Events[i]).ToArray(), Off = off };
        bool Reproduces(ScenarioSpec candidate)
        {
            runs++;
            return ScenarioRunner.Run(candidate, traceLines: 0).Kinds.Contains(kind);
        }

        var offs = spec.Off;
        if (Reproduces(With(kept, FaultKinds.All)))
        {
            offs = FaultKinds.All;
        }
        else
        {
            foreach (var family in new[] { FaultKinds.Errors, FaultKinds.LostAnswers, FaultKinds.Crashes, FaultKinds.Rejections, FaultKinds.Queue, FaultKinds.Outages, FaultKinds.UsageSpikes, FaultKinds.SlowTransactions, FaultKinds.ClockJumps })
            {
                if (runs < budget && Reproduces(With(kept, offs | family)))
                {
                    offs |= family;
                }
            }
        }

        for (var chunk = Math.Max(1, kept.Count / 2); chunk >= 1 && runs < budget; chunk /= 2)
        {
            for (var start = 0; start < kept.Count && runs < budget;)
            {
                var candidate = kept.Take(start).Concat(kept.Skip(start + chunk)).ToList();
                if (candidate.Count < kept.Count && Reproduces(With(candidate, offs)))
                {
                    kept = candidate;
                }
                else
                {
                    start += chunk;
                }
            }

            if (chunk == 1)
            {
                break;
            }
        }

        var result = ScenarioRunner.Run(With(kept, offs), traceLines: int.MaxValue);
        if (!result.Kinds.Contains(kind))
        {
            return (ScenarioRunner.Run(spec, traceLines: int.MaxValue), $"CONVERGENCE_ONLY_SEED={spec.Seed} (not shrunk)");
        }

        var replay = $"CONVERGENCE_ONLY_SEED={spec.Seed} CONVERGENCE_KEEP={string.Join(',', kept)}{(offs == FaultKinds.None ? "" : $" CONVERGENCE_OFF=\"{offs}\"")}";
        return (result, $"{replay}   ({kind}; shrunk from {spec.Events.Count} to {kept.Count} events in {runs} runs)");
    }
}
