using System.Text.Json.Nodes;
using SfSync.FunctionsHost;

namespace SfSync.Tests.FunctionsHost;

/// <summary>host.json's extensions.serviceBus, with the extension's own defaults for what it leaves out.</summary>
public class ServiceBusHostOptionsTests
{
    [Fact]
    public void The_settings_are_read_and_handed_to_the_processor_as_the_extension_hands_them()
    {
        var options = ServiceBusHostOptions.From(JsonNode.Parse("""
            { "extensions": { "serviceBus": { "maxConcurrentCalls": 4, "prefetchCount": 2, "autoCompleteMessages": true,
                                              "maxAutoLockRenewalDuration": "00:10:00", "maxMessageBatchSize": 50 } } }
            """)!.AsObject());

        var processor = options.ToProcessorOptions(autoCompleteMessages: false);

        Assert.Equal((4, 2, true, TimeSpan.FromMinutes(10), 50), (options.MaxConcurrentCalls, options.PrefetchCount, options.AutoCompleteMessages, options.MaxAutoLockRenewalDuration, options.MaxMessageBatchSize));
        Assert.Equal((4, 2, false, TimeSpan.FromMinutes(10)), (processor.MaxConcurrentCalls, processor.PrefetchCount, processor.AutoCompleteMessages, processor.MaxAutoLockRenewalDuration));
        Assert.Equal(2, options.ToReceiverOptions().PrefetchCount);
    }

    [Fact]
    public void What_host_json_leaves_out_takes_the_extensions_defaults()
    {
        var options = ServiceBusHostOptions.From(new JsonObject());

        Assert.Equal(
            (16 * Environment.ProcessorCount, 0, true, TimeSpan.FromMinutes(5), 1000, 1),
            (options.MaxConcurrentCalls, options.PrefetchCount, options.AutoCompleteMessages, options.MaxAutoLockRenewalDuration, options.MaxMessageBatchSize, options.MinMessageBatchSize));
    }
}
