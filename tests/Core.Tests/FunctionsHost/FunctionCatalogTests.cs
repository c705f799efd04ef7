using System.Text.Json.Nodes;

namespace SfSync.Tests.FunctionsHost;

/// <summary>The catalog refuses, at start-up and by name, the Service Bus bindings the local host would not run as Azure does.</summary>
public class FunctionCatalogTests
{
    public static TheoryData<string, string> Unsupported => new()
    {
        { """{ "isSessionsEnabled": true }""", "sessions" },
        { """{ "queueName": null, "topicName": "t", "subscriptionName": "s" }""", "topic subscription" },
        { """{ "cardinality": "several" }""", "cardinality 'several'" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void A_trigger_the_local_host_cannot_run_fails_the_catalog_by_name(string change, string what)
    {
        var trigger = TestApp.Trigger();
        foreach (var (key, value) in JsonNode.Parse(change)!.AsObject())
        {
            trigger[key] = value?.DeepClone();
        }

        if (trigger["queueName"] is null)
        {
            trigger.Remove("queueName");
        }

        using var app = new TestApp(functions: ("ApplyBatch", [trigger]));

        var refused = Assert.Throws<NotSupportedException>(app.Catalog);

        Assert.Contains("'ApplyBatch'", refused.Message, StringComparison.Ordinal);
        Assert.Contains(what, refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("is not supported by the local host.", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_trigger_is_refused_only_when_host_json_asks_for_a_minimum_batch_size()
    {
        using var plain = new TestApp(functions: ("ApplyBatch", [TestApp.Trigger("many")]));
        using var withMinimum = new TestApp(new JsonObject { ["minMessageBatchSize"] = 5 }, functions: ("ApplyBatch", [TestApp.Trigger("many")]));

        Assert.True(plain.Catalog().Functions.Single().IsBatch);
        Assert.Contains("minMessageBatchSize", Assert.Throws<NotSupportedException>(withMinimum.Catalog).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Service_Bus_output_to_a_topic_is_refused()
    {
        var output = TestApp.Output("batches", "q");
        output.Remove("queueName");
        output["topicName"] = "t";
        using var app = new TestApp(functions: ("StartSync", [TestApp.HttpTrigger(), output]));

        Assert.Contains("'StartSync'", Assert.Throws<NotSupportedException>(app.Catalog).Message, StringComparison.Ordinal);
    }
}
