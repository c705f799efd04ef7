using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace SfSync.FunctionsHost;

/// <summary>
/// What the real host puts in Data and Metadata for Service Bus messages: the binding data of the Service Bus extension
/// 5.x (<c>ServiceBusTriggerBindingStrategy</c>), each value passed through the host's
/// <c>GetHttpScriptInvocationContextValue</c> and its Newtonsoft serializer (custom-handlers.md §3.2, §3.4). That
/// function round-trips a DateTime or DateTimeOffset through <c>ToString()</c>, which drops sub-seconds and, for a
/// DateTime, the offset; turns objects and dictionaries into JSON objects; and serializes everything else — strings,
/// numbers, arrays — to JSON text, so a string arrives quoted a second time and a number or an array arrives as a
/// string. Null values are left out.
/// </summary>
internal static class ServiceBusBindingData
{
    // Newtonsoft escapes only quotes, backslashes and control characters; System.Text.Json's default escapes much more.
    private static readonly JsonSerializerOptions AsNewtonsoft = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A string serialized as JSON text, the way every string in Data and Metadata travels.</summary>
    private static JsonValue Quoted(string value) => JsonValue.Create(JsonSerializer.Serialize(value, AsNewtonsoft));

    /// <summary>Data.&lt;trigger&gt; of one message: the body decoded as UTF-8 (a script trigger binds to string), quoted.</summary>
    public static JsonNode Body(ServiceBusReceivedMessage message) => Quoted(message.Body.ToString());

    /// <summary>Data.&lt;trigger&gt; of a batch: the bodies bind to string[], which is serialized, so a JSON array inside a string.</summary>
    public static JsonNode Bodies(IReadOnlyList<ServiceBusReceivedMessage> messages) => Serialized(messages.Select(m => m.Body.ToString()));

    public static JsonObject Metadata(ServiceBusReceivedMessage message, ServiceBusClient client)
    {
        var metadata = Actions(client);
        Add(metadata, "DeliveryCount", Serialized(message.DeliveryCount));
        Add(metadata, "DeadLetterSource", QuotedOrNull(message.DeadLetterSource));
        Add(metadata, "LockToken", QuotedOrNull(message.LockToken));
        Add(metadata, "ExpiresAtUtc", ToSeconds(message.ExpiresAt.DateTime));
        Add(metadata, "ExpiresAt", ToSeconds(message.ExpiresAt));
        Add(metadata, "EnqueuedTimeUtc", ToSeconds(message.EnqueuedTime.DateTime));
        Add(metadata, "EnqueuedTime", ToSeconds(message.EnqueuedTime));
        Add(metadata, "MessageId", QuotedOrNull(message.MessageId));
        Add(metadata, "ContentType", QuotedOrNull(message.ContentType));
        Add(metadata, "ReplyTo", QuotedOrNull(message.ReplyTo));
        Add(metadata, "SequenceNumber", Serialized(message.SequenceNumber));
        Add(metadata, "To", QuotedOrNull(message.To));
        Add(metadata, "Subject", QuotedOrNull(message.Subject));
        Add(metadata, "Label", QuotedOrNull(message.Subject)); // the extension's back-compat name for Subject
        Add(metadata, "CorrelationId", QuotedOrNull(message.CorrelationId));
        Add(metadata, "ApplicationProperties", Properties(message.ApplicationProperties));
        Add(metadata, "UserProperties", Properties(message.ApplicationProperties)); // back-compat name, same dictionary
        Add(metadata, "SessionId", QuotedOrNull(message.SessionId));
        Add(metadata, "ReplyToSessionId", QuotedOrNull(message.ReplyToSessionId));
        Add(metadata, "PartitionKey", QuotedOrNull(message.PartitionKey));
        Add(metadata, "TransactionPartitionKey", QuotedOrNull(message.TransactionPartitionKey));
        return metadata;
    }

    /// <summary>
    /// A batch's metadata: every key becomes &lt;Key&gt;Array, an array that is never null, so every key is present and
    /// arrives serialized — a JSON array inside a string, with nulls for absent values and DateTimes at full precision
    /// (an array is not a DateTime, so nothing round-trips through <c>ToString()</c>).
    /// </summary>
    public static JsonObject BatchMetadata(IReadOnlyList<ServiceBusReceivedMessage> messages, ServiceBusClient client)
    {
        var metadata = Actions(client);
        metadata["DeliveryCountArray"] = Serialized(messages.Select(m => m.DeliveryCount));
        metadata["DeadLetterSourceArray"] = Serialized(messages.Select(m => m.DeadLetterSource));
        metadata["LockTokenArray"] = Serialized(messages.Select(m => m.LockToken));
        metadata["ExpiresAtUtcArray"] = Serialized(messages.Select(m => Precise(m.ExpiresAt.DateTime)));
        metadata["ExpiresAtArray"] = Serialized(messages.Select(m => Precise(m.ExpiresAt)));
        metadata["EnqueuedTimeUtcArray"] = Serialized(messages.Select(m => Precise(m.EnqueuedTime.DateTime)));
        metadata["EnqueuedTimeArray"] = Serialized(messages.Select(m => Precise(m.EnqueuedTime)));
        metadata["MessageIdArray"] = Serialized(messages.Select(m => m.MessageId));
        metadata["ContentTypeArray"] = Serialized(messages.Select(m => m.ContentType));
        metadata["ReplyToArray"] = Serialized(messages.Select(m => m.ReplyTo));
        metadata["SequenceNumberArray"] = Serialized(messages.Select(m => m.SequenceNumber));
        metadata["ToArray"] = Serialized(messages.Select(m => m.To));
        metadata["SubjectArray"] = Serialized(messages.Select(m => m.Subject));
        metadata["LabelArray"] = Serialized(messages.Select(m => m.Subject));
        metadata["CorrelationIdArray"] = Serialized(messages.Select(m => m.CorrelationId));
        metadata["ApplicationPropertiesArray"] = Serialized(new JsonArray(messages.Select(m => (JsonNode?)Properties(m.ApplicationProperties)).ToArray()));
        metadata["UserPropertiesArray"] = Serialized(new JsonArray(messages.Select(m => (JsonNode?)Properties(m.ApplicationProperties)).ToArray()));
        metadata["SessionIdArray"] = Serialized(messages.Select(m => m.SessionId));
        metadata["ReplyToSessionIdArray"] = Serialized(messages.Select(m => m.ReplyToSessionId));
        metadata["PartitionKeyArray"] = Serialized(messages.Select(m => m.PartitionKey));
        // The extension fills this one from the partition keys too (its array of transaction partition keys stays unused).
        metadata["TransactionPartitionKeyArray"] = Serialized(messages.Select(m => m.PartitionKey));
        return metadata;
    }

    /// <summary>
    /// The objects the extension adds for in-process functions, as <c>JObject.FromObject</c> renders them: the message and
    /// receive actions have no public properties, the client has four (an enum is written as its number).
    /// </summary>
    private static JsonObject Actions(ServiceBusClient client) => new()
    {
        ["MessageReceiver"] = new JsonObject(),
        ["MessageSession"] = new JsonObject(),
        ["MessageActions"] = new JsonObject(),
        ["SessionActions"] = new JsonObject(),
        ["ReceiveActions"] = new JsonObject(),
        ["Client"] = new JsonObject
        {
            ["FullyQualifiedNamespace"] = client.FullyQualifiedNamespace,
            ["IsClosed"] = client.IsClosed,
            ["TransportType"] = (int)client.TransportType,
            ["Identifier"] = client.Identifier,
        },
    };

    private static void Add(JsonObject metadata, string key, JsonNode? value)
    {
        if (value is not null)
        {
            metadata[key] = value;
        }
    }

    private static JsonValue? QuotedOrNull(string? value) => value is null ? null : Quoted(value);

    private static JsonValue Serialized<T>(T value) => JsonValue.Create(JsonSerializer.Serialize(value, AsNewtonsoft));

    private static JsonValue ToSeconds(DateTime value) => JsonValue.Create(value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));

    private static JsonValue ToSeconds(DateTimeOffset value) => JsonValue.Create(value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));

    /// <summary>Newtonsoft's ISO format: up to seven fraction digits, trailing zeros dropped; no suffix for an unspecified DateTime.</summary>
    private static string Precise(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static string Precise(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static JsonObject Properties(IReadOnlyDictionary<string, object> properties) =>
        new(properties.Select(p => KeyValuePair.Create(p.Key, JsonSerializer.SerializeToNode(p.Value, p.Value?.GetType() ?? typeof(object), AsNewtonsoft))));
}
