using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace SfSync.FunctionsHost;

/// <summary>
/// A <c>serviceBus</c> output binding as the host binds it for a script function (custom-handlers.md §4.3): the
/// binding's Outputs value becomes a sequence of strings (<c>FunctionBinding.ReadAsEnumerable</c>), and each string is
/// sent as a message of its own, in order, one send at a time — no batch, no transaction — with ContentType
/// <c>text/plain</c> and nothing else set (<c>StringToMessageConverter</c>). A failed send fails the invocation and
/// leaves the messages before it sent.
/// </summary>
/// <remarks>
/// Not imitated: a top-level string that happens to be valid base64 becoming a byte[] (and the body "System.Byte[]");
/// the research infers it from the source and marks it unverified.
/// </remarks>
internal static class ServiceBusOutputBinding
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task SendAsync(ServiceBusSender sender, JsonNode? value, CancellationToken cancellationToken = default)
    {
        foreach (var body in Messages(value))
        {
            await sender.SendMessageAsync(new ServiceBusMessage(body) { ContentType = "text/plain" }, cancellationToken);
        }
    }

    /// <summary>
    /// An array gives one message per element; a string that looks like JSON is parsed first, so a string holding an
    /// array is split too; null gives none; anything else is one message.
    /// </summary>
    public static IEnumerable<string> Messages(JsonNode? value)
    {
        if (value is JsonValue text && text.TryGetValue<string>(out var s) && s.Trim() is ['{', .., '}'] or ['[', .., ']'])
        {
            value = JsonNode.Parse(s);
        }

        return value switch
        {
            null => [],
            JsonArray array => array.Select(Body).ToList(),
            _ => [Body(value)],
        };
    }

    /// <summary>What <c>JToken.ToString()</c> gives: a string as it is, objects and arrays as indented JSON, other values as .NET prints them.</summary>
    private static string Body(JsonNode? element) => element switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b.ToString(),
        JsonValue v => v.ToJsonString(),
        _ => element.ToJsonString(Indented),
    };
}
