using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace SfSync.FunctionsHost;

/// <summary>
/// host.json's <c>extensions.serviceBus</c>: the settings of the Service Bus extension (5.x) that decide how the trigger
/// receives. Absent settings take the extension's own defaults (its <c>ServiceBusOptions</c>, not the docs' table).
/// </summary>
internal sealed record ServiceBusHostOptions
{
    /// <summary>16 per processor, as the extension computes it (the docs say 16); per instance, single-message functions only.</summary>
    public int MaxConcurrentCalls { get; init; } = 16 * Environment.ProcessorCount;

    /// <summary>0: a prefetched message's lock runs while it waits, so slow handlers keep it off.</summary>
    public int PrefetchCount { get; init; }

    /// <summary>True: a custom handler cannot settle messages, so success completes and failure abandons.</summary>
    public bool AutoCompleteMessages { get; init; } = true;

    /// <summary>5 minutes: how long the processor keeps renewing the lock of a message whose invocation runs.</summary>
    public TimeSpan MaxAutoLockRenewalDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>1000: the most messages one <c>cardinality: many</c> invocation gets.</summary>
    public int MaxMessageBatchSize { get; init; } = 1000;

    /// <summary>1: a batch is dispatched as soon as a receive returns anything; more makes the extension hold messages back.</summary>
    public int MinMessageBatchSize { get; init; } = 1;

    public static ServiceBusHostOptions From(JsonObject host)
    {
        var section = host["extensions"]?["serviceBus"] as JsonObject ?? [];
        var defaults = new ServiceBusHostOptions();
        return new ServiceBusHostOptions
        {
            MaxConcurrentCalls = section["maxConcurrentCalls"]?.GetValue<int>() ?? defaults.MaxConcurrentCalls,
            PrefetchCount = section["prefetchCount"]?.GetValue<int>() ?? defaults.PrefetchCount,
            AutoCompleteMessages = section["autoCompleteMessages"]?.GetValue<bool>() ?? defaults.AutoCompleteMessages,
            MaxAutoLockRenewalDuration = section["maxAutoLockRenewalDuration"] is { } renewal
                ? TimeSpan.Parse(renewal.GetValue<string>(), CultureInfo.InvariantCulture)
                : defaults.MaxAutoLockRenewalDuration,
            MaxMessageBatchSize = section["maxMessageBatchSize"]?.GetValue<int>() ?? defaults.MaxMessageBatchSize,
            MinMessageBatchSize = section["minMessageBatchSize"]?.GetValue<int>() ?? defaults.MinMessageBatchSize,
        };
    }

    /// <summary>What the extension gives the SDK's processor for a single-message trigger (its <c>ToProcessorOptions</c>).</summary>
    public ServiceBusProcessorOptions ToProcessorOptions(bool autoCompleteMessages) => new()
    {
        AutoCompleteMessages = autoCompleteMessages,
        PrefetchCount = PrefetchCount,
        MaxAutoLockRenewalDuration = MaxAutoLockRenewalDuration,
        MaxConcurrentCalls = MaxConcurrentCalls,
    };

    /// <summary>What the extension gives the SDK's receiver for a <c>cardinality: many</c> trigger (its <c>ToReceiverOptions</c>).</summary>
    public ServiceBusReceiverOptions ToReceiverOptions() => new() { PrefetchCount = PrefetchCount };
}
