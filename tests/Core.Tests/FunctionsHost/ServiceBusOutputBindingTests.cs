using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using SfSync.FunctionsHost;

namespace SfSync.Tests.FunctionsHost;

/// <summary>
/// Service Bus output bindings as the real host binds them for a custom handler (custom-handlers.md §4.3): one message
/// per array element (a string holding an array is split too), sent one by one with ContentType text/plain, through
/// the SDK to the broker; a failed send fails the invocation.
/// </summary>
public class ServiceBusOutputBindingTests
{
    private const string Outbox = "outbox";

    private static TestApp App() => new(functions: [("StartSync", [TestApp.HttpTrigger(), TestApp.Output("batches", Outbox)]), ("ApplyBatch", [TestApp.Trigger()])]);

    private static Task<InvocationResult> InvokeAsync(HostHarness host) =>
        host.Invoker.InvokeAsync(host.Catalog.Functions.Single(f => f.Name == "StartSync"), new JsonObject { ["req"] = new JsonObject { ["Method"] = "POST" } }, [], CancellationToken.None);

    public static TheoryData<string, string[]> Values => new()
    {
        { "[\"{\\\"b\\\":1}\", \"{\\\"b\\\":2}\", \"plain\"]", ["{\"b\":1}", "{\"b\":2}", "plain"] },
        { "\"[\\\"x\\\", \\\"y\\\"]\"", ["x", "y"] },                       // a string holding an array is split
        { "{\"b\":1}", ["{\n  \"b\": 1\n}"] },                                // an object is one message, indented as JToken.ToString()
        { "[{\"b\":1}, 42, true]", ["{\n  \"b\": 1\n}", "42", "True"] },
        { "[]", [] },
        { "null", [] },
        { "\"one message\"", ["one message"] },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void The_outputs_value_becomes_one_message_per_element(string value, string[] messages)
    {
        Assert.Equal(messages, ServiceBusOutputBinding.Messages(JsonNode.Parse(value)));
    }

    [Fact]
    public async Task An_array_output_is_sent_as_one_text_message_per_element_in_order()
    {
        string[] batches = ["{\"batch\":1}", "{\"batch\":2}", "{\"batch\":3}"];
        await using var host = await HostHarness.StartAsync(
            App(),
            _ => Task.FromResult(HandlerAnswer.Ok(new JsonObject { ["batches"] = new JsonArray([.. batches.Select(b => (JsonNode?)b)]) })),
            listen: false);

        var result = await InvokeAsync(host);
        var sent = await host.PeekAsync(Outbox);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(batches, sent.Select(m => m.Body.ToString()));
        Assert.All(sent, m => Assert.Equal("text/plain", m.ContentType));
        Assert.Equal(sent.Select(m => m.SequenceNumber).Order(), sent.Select(m => m.SequenceNumber)); // one send each, in order
    }

    [Fact]
    public async Task A_failed_answer_sends_nothing_its_outputs_are_discarded()
    {
        await using var host = await HostHarness.StartAsync(
            App(),
            _ => Task.FromResult(HandlerAnswer.Fail with { Body = new JsonObject { ["Outputs"] = new JsonObject { ["batches"] = new JsonArray("lost") } } }),
            listen: false);

        var result = await InvokeAsync(host);

        Assert.False(result.Succeeded);
        Assert.Empty(await host.PeekAsync(Outbox));
    }

    [Fact]
    public async Task A_send_that_fails_fails_the_invocation_although_the_handler_answered_200()
    {
        await using var host = await HostHarness.StartAsync(App(), _ => Task.FromResult(HandlerAnswer.Ok(new JsonObject { ["batches"] = new JsonArray("x") })), listen: false, without: Outbox);

        var result = await InvokeAsync(host);

        Assert.False(result.Succeeded);
        Assert.Contains(Outbox, result.Error, StringComparison.Ordinal);
    }
}
