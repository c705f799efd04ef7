using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SfSync.Functions;
using SfSync.Functions.Invocation;
using SfSync.Functions.Telemetry;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Reconciling;
using SfSync.Salesforce.Rest;
using SfSync.Telemetry;
using SfSync.Tests.Fakes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Telemetry;

/// <summary>
/// The workbook's and the alerts' KQL (infra/workbook/**/*.kql) against what the handler really emits: a run with a
/// deferral, an applied batch, a refused record and a redelivery goes through the handler's telemetry into in-memory
/// exporters, and every table, column, metric name and customDimensions key the queries use must be among what came
/// out (logs are <c>traces</c>, spans <c>requests</c>, metrics <c>customMetrics</c>).
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed partial class WorkbookQueryTests
{
    private static readonly string WorkbookDir = Path.Combine(RepoPaths.Root, "infra", "workbook");

    /// <summary>The Application Insights columns each table has that the queries may use.</summary>
    private static readonly Dictionary<string, HashSet<string>> Columns = new(StringComparer.Ordinal)
    {
        ["traces"] = ["timestamp", "message", "severityLevel", "customDimensions", "operation_Id"],
        ["requests"] = ["timestamp", "name", "duration", "success", "customDimensions", "operation_Id"],
        ["customMetrics"] = ["timestamp", "name", "value", "valueSum", "valueCount", "valueMax", "valueMin", "customDimensions"],
    };

    [Fact]
    public async Task Every_table_column_metric_and_dimension_the_queries_use_is_emitted()
    {
        var emitted = await EmitAsync();
        var files = Directory.EnumerateFiles(WorkbookDir, "*.kql", SearchOption.AllDirectories).ToList();
        var bicep = string.Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "infra", "core", "monitor"), "*.bicep").Select(File.ReadAllText));
        Assert.True(files.Count >= 10, string.Join(", ", files));
        var vocabulary = Columns.Values.SelectMany(c => c).ToHashSet(StringComparer.Ordinal);

        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(Path.Combine(RepoPaths.Root, "infra"), file).Replace('\\', '/');
            Assert.Contains($"'../../{relative}'", bicep, StringComparison.Ordinal); // loaded by the workbook or the alerts
            var kql = string.Join('\n', File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            var table = kql.Trim().Split('\n', 2)[0].Trim();
            Assert.True(Columns.TryGetValue(table, out var columns), $"{relative}: table '{table}' is not one the handler's telemetry lands in.");

            var dimensions = DimensionUse().Matches(kql).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            var withoutDimensions = DimensionUse().Replace(kql, "");
            var words = Word().Matches(StringLiteral().Replace(withoutDimensions, "\"\"")).Select(m => m.Value).Where(vocabulary.Contains);
            Assert.All(words, w => Assert.True(columns.Contains(w), $"{relative}: {table} has no column '{w}'."));

            HashSet<string> known;
            if (table == "customMetrics")
            {
                var metrics = MetricName().Matches(kql).Select(m => m.Groups[1].Value).ToList();
                Assert.NotEmpty(metrics);
                Assert.All(metrics, m => Assert.True(SyncMetrics.All.Contains(m) && emitted.Metrics.ContainsKey(m), $"{relative}: metric '{m}' is not emitted."));
                known = metrics.SelectMany(m => emitted.Metrics[m]).ToHashSet(StringComparer.Ordinal);
            }
            else
            {
                known = table == "traces" ? emitted.LogDimensions : emitted.SpanDimensions;
                foreach (var name in SpanName().Matches(kql).Select(m => m.Groups[1].Value).Where(_ => table == "requests"))
                {
                    Assert.True(emitted.SpanNames.Contains(name), $"{relative}: no span is named '{name}'.");
                }
            }

            Assert.All(dimensions, d => Assert.True(known.Contains(d), $"{relative}: customDimensions.{d} is not emitted on {table}; emitted: {string.Join(", ", known.Order())}"));
        }
    }

    private sealed record Emitted(HashSet<string> LogDimensions, HashSet<string> SpanDimensions, HashSet<string> SpanNames, Dictionary<string, HashSet<string>> Metrics);

    private static async Task<Emitted> EmitAsync()
    {
        var spans = new List<Activity>();
        var logs = new List<LogRecord>();
        var metrics = new List<MetricSnapshot>();
        CapturedProperties? captured = null;
        using var h = new SyncHarness(configure: services =>
        {
            services.Replace(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
            services.AddLogging();
            services.AddSingleton<IBatchQueue>(sp => captured = new CapturedProperties((FakeBatchQueue)sp.GetRequiredService<IDeadLetterQueue>()));
            services.AddSingleton<InvocationRunner>().AddSingleton<SyncTimer>().AddSingleton<ApplyBatch>();
            services.AddSyncTelemetry(new ConfigurationBuilder().Build(), otel => otel
                .WithTracing(t => t.AddInMemoryExporter(spans))
                .WithMetrics(m => m.AddInMemoryExporter(metrics))
                .WithLogging(l => l.AddInMemoryExporter(logs)));
        });
        _ = h.Get<TracerProvider>();
        _ = h.Get<MeterProvider>();
        h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        h.App.Create(EntityKind.Account, Fields.Of(("name", "Refused Ltd")));
        h.Salesforce.Reject = (_, f) => f.GetValueOrDefault("Name") == "Refused Ltd" ? ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Phone is required") : null;
        var runner = h.Get<InvocationRunner>();

        await runner.RunAsync(h.Get<SyncTimer>(), Invocation("{}", null), "inv-timer", CancellationToken.None);
        h.App.Unavailable = "maintenance";
        await ApplyVisibleAsync(h, runner, captured!);          // deferred
        h.App.Unavailable = null;
        h.Time.Advance(TimeSpan.FromMinutes(2));
        var applied = await ApplyVisibleAsync(h, runner, captured!); // applied, with a refused record
        await runner.RunAsync(h.Get<ApplyBatch>(), Invocation(SyncBatchMessage.Serialize(applied[0]), captured!.Properties[applied[0].BatchId]), "inv-again", CancellationToken.None);
        using (var answer = new HttpResponseMessage(System.Net.HttpStatusCode.OK))
        {
            answer.Headers.Add("Sforce-Limit-Info", "api-usage=1200/15000");
            new ApiUsageTracker(h.Time).Observe(answer); // what the Salesforce client does with every answer
        }

        h.Get<TracerProvider>().ForceFlush();
        h.Get<MeterProvider>().ForceFlush();

        var byMetric = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            var keys = byMetric.TryGetValue(metric.Name, out var existing) ? existing : byMetric[metric.Name] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var point in metric.MetricPoints)
            {
                foreach (var tag in point.Tags)
                {
                    keys.Add(tag.Key);
                }
            }
        }

        Assert.Contains(SyncMetrics.Deferrals, byMetric.Keys);
        return new Emitted(
            logs.SelectMany(l => l.Attributes!.Select(a => a.Key)).ToHashSet(StringComparer.Ordinal),
            spans.SelectMany(s => s.TagObjects.Select(t => t.Key)).ToHashSet(StringComparer.Ordinal),
            spans.Select(s => s.DisplayName).ToHashSet(StringComparer.Ordinal),
            byMetric);
    }

    private static async Task<List<SyncBatch>> ApplyVisibleAsync(SyncHarness h, InvocationRunner runner, CapturedProperties captured)
    {
        var batches = new List<SyncBatch>();
        while (h.Queue.Receive() is { } batch)
        {
            batches.Add(batch);
            await runner.RunAsync(h.Get<ApplyBatch>(), Invocation(SyncBatchMessage.Serialize(batch), captured.Properties[batch.BatchId]), "inv-" + batch.BatchId, CancellationToken.None);
        }

        return batches;
    }

    private static InvocationRequest Invocation(string body, IDictionary<string, object>? properties)
    {
        var metadata = new JsonObject { ["MessageId"] = JsonSerializer.Serialize("m-1"), ["DeliveryCount"] = "1" };
        if (properties is not null)
        {
            metadata["UserProperties"] = JsonSerializer.Serialize(properties.ToDictionary(p => p.Key, p => p.Value.ToString())); // the JSON-encoded form
        }

        var payload = new JsonObject { ["Data"] = new JsonObject { [Bindings.Message] = JsonSerializer.Serialize(body) }, ["Metadata"] = metadata };
        return payload.Deserialize<InvocationRequest>(FunctionRoutes.Json)!;
    }

    private sealed class CapturedProperties(FakeBatchQueue inner) : IBatchQueue
    {
        public Dictionary<string, IDictionary<string, object>> Properties { get; } = [];

        public Task SendAsync(IReadOnlyList<SyncBatch> batches, CancellationToken cancellationToken = default)
        {
            foreach (var batch in batches)
            {
                Properties[batch.BatchId] = SfSync.Queue.ServiceBus.BatchMessages.ToMessage(batch).ApplicationProperties;
            }

            return inner.SendAsync(batches, cancellationToken);
        }

        public Task ScheduleAsync(SyncBatch batch, DateTimeOffset at, CancellationToken cancellationToken = default)
        {
            Properties[batch.BatchId] = SfSync.Queue.ServiceBus.BatchMessages.ToMessage(batch).ApplicationProperties;
            return inner.ScheduleAsync(batch, at, cancellationToken);
        }
    }

    [GeneratedRegex(@"customDimensions\.([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex DimensionUse();

    [GeneratedRegex(@"\b[A-Za-z_][A-Za-z0-9_]*\b")]
    private static partial Regex Word();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("\"(sync\\.[a-z_.]+)\"")]
    private static partial Regex MetricName();

    [GeneratedRegex("name == \"([^\"]+)\"")]
    private static partial Regex SpanName();
}
