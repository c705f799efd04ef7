using System.Diagnostics;
using System.Text.Json;
using SfSync.Telemetry;

namespace SfSync.Functions.Invocation;

/// <summary>
/// Runs one invocation as one span and one logging scope carrying the host's invocation id. A Service Bus invocation's
/// span continues the trace its message names (the run that sent it), so a run is one trace through all its batches.
/// </summary>
internal sealed class InvocationRunner(ILogger<InvocationRunner> logger)
{
    public async Task<InvocationResponse> RunAsync(IFunction function, InvocationRequest request, string invocationId, CancellationToken cancellationToken)
    {
        var parent = TraceContext.ParentOf(name => MessageProperty(request, name));
        using var activity = parent == default
            ? SyncTelemetry.Source.StartActivity(function.Name, ActivityKind.Server)
            : SyncTelemetry.Source.StartActivity(function.Name, ActivityKind.Consumer, parent);
        activity?.SetTag(Dimensions.InvocationId, invocationId);
        activity?.SetTag(Dimensions.Function, function.Name);
        var response = new InvocationResponse();
        using (logger.BeginScope(new Dictionary<string, object> { [Dimensions.InvocationId] = invocationId, [Dimensions.Function] = function.Name }))
        {
            try
            {
                await function.RunAsync(request, response, cancellationToken);
            }
            catch (Exception ex)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                throw;
            }
        }

        return response;
    }

    /// <summary>
    /// An application property of the trigger's message: the host sends them as an object under ApplicationProperties
    /// (and UserProperties, the older name), or as that object JSON-encoded once more.
    /// </summary>
    private static string? MessageProperty(InvocationRequest request, string name)
    {
        foreach (var key in new[] { "ApplicationProperties", "UserProperties" })
        {
            if (!request.Metadata.TryGetValue(key, out var value))
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                try
                {
                    using var inner = JsonDocument.Parse(value.GetString()!);
                    return Find(inner.RootElement, name);
                }
                catch (JsonException)
                {
                    continue;
                }
            }

            if (Find(value, name) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string? Find(JsonElement properties, string name) =>
        properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var value) ? InvocationRequest.Scalar(value) : null;
}
