using System.Diagnostics;

namespace SfSync.Telemetry;

/// <summary>
/// Carries the run's trace through a Service Bus message: the W3C traceparent of the sending span as the application
/// properties the Service Bus SDK and the Functions host read (<c>Diagnostic-Id</c>) and the W3C name (<c>traceparent</c>).
/// </summary>
internal static class TraceContext
{
    public const string DiagnosticId = "Diagnostic-Id";
    public const string TraceParent = "traceparent";

    /// <summary>Sets the current span's id on an outgoing message's properties; nothing when no span is recorded.</summary>
    public static void Stamp(IDictionary<string, object> properties)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            properties[DiagnosticId] = current.Id!;
            properties[TraceParent] = current.Id!;
        }
    }

    public static Azure.Messaging.ServiceBus.ServiceBusMessage Stamped(Azure.Messaging.ServiceBus.ServiceBusMessage message)
    {
        Stamp(message.ApplicationProperties);
        return message;
    }

    /// <summary>The parent a received message names, if any (traceparent first, then Diagnostic-Id).</summary>
    public static ActivityContext ParentOf(Func<string, string?> property)
    {
        foreach (var name in new[] { TraceParent, DiagnosticId })
        {
            if (property(name) is { Length: > 0 } value && ActivityContext.TryParse(value, null, isRemote: true, out var context))
            {
                return context;
            }
        }

        return default;
    }
}
