using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace SfSync.Tests.FunctionsHost;

/// <summary>
/// The trigger's payload as the real host sends it to a custom handler (custom-handlers.md §3.2, §3.4), received from
/// the broker and posted to a real HTTP handler: the body JSON-encoded a second time, the extension's metadata keys
/// with null ones left out, scalars as JSON text, timestamps without sub-seconds, dictionaries and objects as objects.
/// </summary>
public class ServiceBusBindingDataTests
{
    private const string Body = "{\"v\":1,\"name\":\"Café <Acme> & \\\"Sons\\\"\"}";

    private static readonly string[] SingleKeys =
    [
        "DeliveryCount", "LockToken", "ExpiresAtUtc", "ExpiresAt", "EnqueuedTimeUtc", "EnqueuedTime", "MessageId", "ContentType",
        "SequenceNumber", "Subject", "Label", "CorrelationId", "ApplicationProperties", "UserProperties",
        "MessageReceiver", "MessageSession", "MessageActions", "SessionActions", "ReceiveActions", "Client", "sys",
    ];

    private static ServiceBusMessage Message(string id) => new(Body)
    {
        MessageId = id,
        CorrelationId = "run-7",
        Subject = "Account",
        ContentType = "application/json",
        ApplicationProperties = { ["source"] = "sf", ["attempt"] = 2 },
    };

    [Fact]
    public async Task One_message_arrives_with_the_body_encoded_twice_and_the_extensions_metadata()
    {
        await using var host = await HostHarness.StartAsync(new TestApp(functions: ("ApplyBatch", [TestApp.Trigger()])));
        await host.SendAsync(Message("m-1"));

        var invocation = (await host.Handler.WaitForAsync(1))[0];
        var metadata = invocation.Metadata;
        var enqueued = DateTimeOffset.Parse(metadata["EnqueuedTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(metadata["ExpiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        // Data.msg is a string whose content is the body as a JSON string: decoding it once gives the body back.
        Assert.Equal(JsonSerializer.Serialize(Body, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), invocation.Data["msg"]!.GetValue<string>());
        Assert.Equal(Body, JsonSerializer.Deserialize<string>(invocation.Data["msg"]!.GetValue<string>()));
        Assert.Equal(SingleKeys.Order(), metadata.Select(p => p.Key).Order());
        Assert.Equal(("1", "1"), (metadata["DeliveryCount"]!.GetValue<string>(), metadata["SequenceNumber"]!.GetValue<string>()));
        Assert.Equal(("\"m-1\"", "\"run-7\"", "\"application/json\""), (metadata["MessageId"]!.GetValue<string>(), metadata["CorrelationId"]!.GetValue<string>(), metadata["ContentType"]!.GetValue<string>()));
        Assert.Equal(("\"Account\"", "\"Account\""), (metadata["Subject"]!.GetValue<string>(), metadata["Label"]!.GetValue<string>()));
        Assert.True(Guid.TryParse(JsonSerializer.Deserialize<string>(metadata["LockToken"]!.GetValue<string>()), out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", metadata["EnqueuedTimeUtc"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", metadata["ExpiresAtUtc"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", metadata["EnqueuedTime"]!.GetValue<string>());
        Assert.Equal(enqueued.UtcDateTime.ToString("s", System.Globalization.CultureInfo.InvariantCulture), metadata["EnqueuedTimeUtc"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromDays(1), expires - enqueued); // the queue's default time to live (the Bicep's P1D)
        Assert.InRange(enqueued, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        foreach (var key in new[] { "ApplicationProperties", "UserProperties" })
        {
            Assert.True(JsonNode.DeepEquals(new JsonObject { ["source"] = "sf", ["attempt"] = 2 }, metadata[key]), key);
        }

        Assert.All(["MessageReceiver", "MessageSession", "MessageActions", "SessionActions", "ReceiveActions"], key => Assert.Empty(metadata[key]!.AsObject()));
        Assert.Equal("127.0.0.1", metadata["Client"]!["FullyQualifiedNamespace"]!.GetValue<string>());
        Assert.Equal("ApplyBatch", metadata["sys"]!["MethodName"]!.GetValue<string>());
        Assert.True(Guid.TryParse(invocation.InvocationId, out _));
    }

    [Fact]
    public async Task A_batch_arrives_with_Array_keys_each_a_JSON_array_inside_a_string_and_the_bodies_likewise()
    {
        await using var host = await HostHarness.StartAsync(new TestApp(functions: ("ApplyBatch", [TestApp.Trigger("many")])));
        await host.SendAsync(Message("m-1"));

        var invocation = (await host.Handler.WaitForAsync(1))[0];
        var metadata = invocation.Metadata;
        string[] Strings(string key) => JsonSerializer.Deserialize<string[]>(metadata[key]!.GetValue<string>())!;

        Assert.Equal([Body], JsonSerializer.Deserialize<string[]>(invocation.Data["msg"]!.GetValue<string>())!);
        Assert.Equal(
            SingleKeys.Where(k => k is not ("MessageReceiver" or "MessageSession" or "MessageActions" or "SessionActions" or "ReceiveActions" or "Client" or "sys"))
                .Select(k => k + "Array")
                .Concat(["DeadLetterSourceArray", "ReplyToArray", "ToArray", "SessionIdArray", "ReplyToSessionIdArray", "PartitionKeyArray", "TransactionPartitionKeyArray"])
                .Concat(["MessageReceiver", "MessageSession", "MessageActions", "SessionActions", "ReceiveActions", "Client", "sys"])
                .Order(),
            metadata.Select(p => p.Key).Order());
        Assert.Equal("[1]", metadata["DeliveryCountArray"]!.GetValue<string>());
        Assert.Equal("[1]", metadata["SequenceNumberArray"]!.GetValue<string>());
        Assert.Equal(["m-1"], Strings("MessageIdArray"));
        Assert.Equal(["Account"], Strings("LabelArray"));
        Assert.Equal("[null]", metadata["SessionIdArray"]!.GetValue<string>());
        Assert.Matches(@"^\[""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?""\]$", metadata["EnqueuedTimeUtcArray"]!.GetValue<string>());
        Assert.Matches(@"^\[""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?\+00:00""\]$", metadata["ExpiresAtArray"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[{\"source\":\"sf\",\"attempt\":2}]"), JsonNode.Parse(metadata["ApplicationPropertiesArray"]!.GetValue<string>())));
    }
}
