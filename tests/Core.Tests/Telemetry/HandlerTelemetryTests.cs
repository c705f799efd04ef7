using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
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
using SfSync.Queue.ServiceBus;
using SfSync.Reconciling;
using SfSync.Telemetry;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Telemetry;

/// <summary>
/// The handler's telemetry as the exporters receive it (in-memory exporters in place of Application Insights): a timer
/// run and the batches it sent, invoked as the host invokes them, are one trace; every log record has the stable
/// dimensions; the metrics count what happened.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed partial class HandlerTelemetryTests : IDisposable
{
    private readonly List<Activity> _spans = [];
    private readonly List<LogRecord> _logs = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly SyncHarness _h;
    private CapturingQueue? _queue;

    public HandlerTelemetryTests()
    {
        _h = new SyncHarness(configure: services =>
        {
            services.Replace(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
            services.AddLogging();
            services.AddSingleton<IBatchQueue>(sp => _queue = new CapturingQueue((FakeBatchQueue)sp.GetRequiredService<IDeadLetterQueue>()));
            services.AddSingleton<InvocationRunner>().AddSingleton<SyncTimer>().AddSingleton<ApplyBatch>();
            services.AddSyncTelemetry(new ConfigurationBuilder().Build(), otel => otel
                .WithTracing(t => t.AddInMemoryExporter(_spans))
                .WithMetrics(m => m.AddInMemoryExporter(_metrics))
                .WithLogging(l => l.AddInMemoryExporter(_logs)));
        });
        _ = _h.Get<TracerProvider>();
        _ = _h.Get<MeterProvider>();
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task A_timer_run_and_its_batches_are_one_trace_with_stable_dimensions_on_every_log_record_and_metrics_counted()
    {
        _h.Salesforce.Create(EntityKind.Account, Fields.Of(("Name", "Acme"), ("Phone", "555-0100")));
        _h.App.Create(EntityKind.Account, Fields.Of(("name", "Initech")));
        _h.App.Create(EntityKind.Account, Fields.Of(("name", "Refused Ltd"), ("description", "ask jane.doe@example.com")));
        _h.Salesforce.Reject = (_, f) => f.GetValueOrDefault("Name") == "Refused Ltd" ? ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Phone is required") : null;
        var runner = _h.Get<InvocationRunner>();

        await runner.RunAsync(_h.Get<SyncTimer>(), Invocation("{}", null), "inv-timer", CancellationToken.None);
        var applied = new List<SyncBatch>();
        while (_h.Queue.Receive() is { } batch)
        {
            applied.Add(batch);
            await runner.RunAsync(_h.Get<ApplyBatch>(), Invocation(SyncBatchMessage.Serialize(batch), _queue!.Properties[batch.BatchId]), "inv-" + batch.BatchId, CancellationToken.None);
        }

        NotMatched(_h.Get<ILogger<HandlerTelemetryTests>>(), "jane.doe@example.com");
        _h.Get<TracerProvider>().ForceFlush();
        _h.Get<MeterProvider>().ForceFlush();

        // One trace: the timer's span is the root, every batch's span its child through the message (an invocation may
        // carry several batches, so each batch has a span of its own inside the invocation's).
        Assert.NotEmpty(applied);
        var run = Assert.Single(_spans, s => s.DisplayName == nameof(SyncTimer));
        var batches = _spans.Where(s => s.DisplayName.StartsWith(nameof(ApplyBatch) + " ", StringComparison.Ordinal)).ToList();
        Assert.Equal(applied.Count, batches.Count);
        Assert.All(batches, b => Assert.Equal((run.TraceId, run.SpanId, ActivityKind.Consumer), (b.TraceId, b.ParentSpanId, b.Kind)));
        Assert.Equal(applied[0].RunId, run.GetTagItem(Dimensions.RunId));
        Assert.All(batches, b => Assert.Equal(applied[0].RunId, b.GetTagItem(Dimensions.RunId)));
        Assert.Equal("inv-timer", run.GetTagItem(Dimensions.InvocationId));

        // Every log record has every stable dimension; a batch's records name its run, plan, batch, entity and invocation.
        Assert.NotEmpty(_logs);
        Assert.All(_logs, log => Assert.All(Dimensions.Stable, name => Assert.Contains(log.Attributes!, a => a.Key == name)));
        var done = _logs.Where(l => l.EventId.Name == "BatchApplied").Select(Attributes).ToList();
        Assert.Equal(applied.Count, done.Count);
        Assert.All(done, d => Assert.Equal("Applied", d[Dimensions.Outcome]));
        Assert.Contains(done, d => d[Dimensions.BatchId] == applied[0].BatchId && d[Dimensions.PlanId] == applied[0].PlanId && d[Dimensions.RunId] == applied[0].RunId
            && d[Dimensions.Entity] == "Account" && d[Dimensions.InvocationId] == "inv-" + applied[0].BatchId);
        var failed = Attributes(Assert.Single(_logs, l => l.EventId.Name == "RecordFailed"));
        Assert.Equal(("Salesforce", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Failed", applied[0].RunId), (failed[Dimensions.Side], failed[Dimensions.ErrorCode], failed[Dimensions.Outcome], failed[Dimensions.RunId]));
        var planned = Attributes(Assert.Single(_logs, l => l.EventId.Name == "EntityPlanned" && (string?)Attributes(l)["Entity"] == "Account"));
        Assert.Equal(("inv-timer", applied[0].RunId), (planned[Dimensions.InvocationId], planned[Dimensions.RunId]));

        // No whole e-mail address in any value or message.
        var masked = Attributes(Assert.Single(_logs, l => l.FormattedMessage?.Contains("could not be matched", StringComparison.Ordinal) == true));
        Assert.Equal("j***@example.com", masked["Email"]);
        Assert.All(_logs, l => Assert.DoesNotContain("jane.doe@", l.FormattedMessage + string.Join(" ", l.Attributes!.Select(a => a.Value)), StringComparison.Ordinal));

        // Metrics: records per side and outcome, failures by code, blanks, batch durations, the run and the gauges.
        Assert.Equal(1, Sum(SyncMetrics.Records, (Dimensions.Side, "Salesforce"), (Dimensions.Outcome, "Created")));
        Assert.Equal(1, Sum(SyncMetrics.Records, (Dimensions.Side, "App"), (Dimensions.Outcome, "Created")));
        Assert.Equal(1, Sum(SyncMetrics.Records, (Dimensions.Side, "Salesforce"), (Dimensions.Outcome, "Failed"), (Dimensions.ErrorCode, "FIELD_CUSTOM_VALIDATION_EXCEPTION")));
        Assert.Equal(applied.Count, Points(SyncMetrics.BatchDuration, (Dimensions.Outcome, "Applied")).Sum(p => p.GetHistogramCount()));
        Assert.Equal(1, Sum(SyncMetrics.Runs, (Dimensions.Trigger, "Timer"), (Dimensions.Outcome, "Planned")));
        Assert.Equal(0, Points(SyncMetrics.DeadLetterDepth).Single().GetGaugeLastValueLong());
        Assert.Equal(2, Points(SyncMetrics.PlannerLag).Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact {Email} could not be matched")]
    private static partial void NotMatched(ILogger logger, string email);

    private static Dictionary<string, string?> Attributes(LogRecord log) =>
        log.Attributes!.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Last().Value?.ToString());

    private List<MetricPoint> Points(string name, params (string Key, string Value)[] tags)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in _metrics.Where(m => m.Name == name))
        {
            foreach (var point in metric.MetricPoints)
            {
                var values = new Dictionary<string, string?>();
                foreach (var tag in point.Tags)
                {
                    values[tag.Key] = tag.Value?.ToString();
                }

                if (tags.All(t => values.GetValueOrDefault(t.Key) == t.Value))
                {
                    points.Add(point);
                }
            }
        }

        return points;
    }

    private long Sum(string name, params (string Key, string Value)[] tags) => Points(name, tags).Sum(p => p.GetSumLong());

    /// <summary>What the host POSTs: the body JSON-encoded once more, the message's application properties as metadata.</summary>
    private static InvocationRequest Invocation(string body, IDictionary<string, object>? properties)
    {
        var metadata = new JsonObject { ["MessageId"] = JsonSerializer.Serialize("m-1"), ["DeliveryCount"] = "1" };
        if (properties is not null)
        {
            metadata["ApplicationProperties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value.ToString()))));
        }

        var payload = new JsonObject { ["Data"] = new JsonObject { [Bindings.Message] = JsonSerializer.Serialize(body) }, ["Metadata"] = metadata };
        return payload.Deserialize<InvocationRequest>(FunctionRoutes.Json)!;
    }

    /// <summary>The fake queue, keeping each message's application properties as the Service Bus sender builds them.</summary>
    private sealed class CapturingQueue(FakeBatchQueue inner) : IBatchQueue
    {
        public Dictionary<string, IDictionary<string, object>> Properties { get; } = [];

        public Task SendAsync(IReadOnlyList<SyncBatch> batches, CancellationToken cancellationToken = default)
        {
            foreach (var batch in batches)
            {
                Properties[batch.BatchId] = BatchMessages.ToMessage(batch).ApplicationProperties;
            }

            return inner.SendAsync(batches, cancellationToken);
        }

        public Task ScheduleAsync(SyncBatch batch, DateTimeOffset at, CancellationToken cancellationToken = default)
        {
            Properties[batch.BatchId] = BatchMessages.ToMessage(batch).ApplicationProperties;
            return inner.ScheduleAsync(batch, at, cancellationToken);
        }
    }
}

/// <summary>The engine's meter and trace source are process-wide: these tests do not run beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
