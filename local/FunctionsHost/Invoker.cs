using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace SfSync.FunctionsHost;

internal sealed record InvocationResult(bool Succeeded, JsonObject Outputs, IReadOnlyList<string> Logs, string? Error);

/// <summary>
/// POSTs an invocation to the handler as the host does, prints its logs and sends its Service Bus outputs
/// (see <see cref="ServiceBusOutputBinding"/>). The handler's address is asked for on every call: it changes when the
/// handler is started again.
/// </summary>
internal sealed class Invoker(Func<Uri> handler, FunctionCatalog catalog, ServiceBusConnections serviceBus, Action<string> output) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public async Task<InvocationResult> InvokeAsync(FunctionDefinition function, JsonObject data, JsonObject metadata, CancellationToken cancellationToken)
    {
        var invocationId = Guid.NewGuid().ToString();
        metadata["sys"] = new JsonObject { ["MethodName"] = function.Name, ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O"), ["RandGuid"] = Guid.NewGuid().ToString() };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(handler(), function.Name))
        {
            Content = JsonContent.Create(new JsonObject { ["Data"] = data, ["Metadata"] = metadata }),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", invocationId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(catalog.FunctionTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                // As in Azure: a non-2xx answer fails the invocation and its Outputs and Logs are discarded.
                output($"[{function.Name} {invocationId[..8]}] failed: handler answered {(int)response.StatusCode}");
                return new InvocationResult(false, [], [], $"handler answered {(int)response.StatusCode}");
            }

            // The host reads the envelope's top-level names case-insensitively (Newtonsoft); so do we.
            var body = JsonNode.Parse(text, new JsonNodeOptions { PropertyNameCaseInsensitive = true })?.AsObject() ?? [];
            var outputs = body["Outputs"] as JsonObject ?? [];
            var logs = (body["Logs"] as JsonArray ?? []).Select(l => l?.ToString() ?? "").ToList();
            foreach (var line in logs)
            {
                output($"[{function.Name} {invocationId[..8]}] {line}");
            }

            // Outputs are bound after the handler answered; a failed send fails the invocation all the same.
            foreach (var binding in function.ServiceBusOutputs)
            {
                await ServiceBusOutputBinding.SendAsync(serviceBus.Sender(binding), outputs[binding["name"]!.GetValue<string>()], timeout.Token);
            }

            return new InvocationResult(true, outputs, logs, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or ServiceBusException)
        {
            output($"[{function.Name} {invocationId[..8]}] failed: {ex.Message}");
            return new InvocationResult(false, [], [], ex.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
