using System.Text.Json;
using SfSync.State.Tables;

namespace SfSync.Functions.Invocation;

/// <summary>
/// Base for HTTP functions: reads Data.req, answers through the res output, turns bad input into a 400 problem, an
/// unreachable state store into a 503 problem naming it, and anything else unexpected into a 500 problem — never a bare
/// 5xx, and one log line instead of a stack trace per call.
/// </summary>
internal abstract class HttpFunction : IFunction
{
    public abstract string Name { get; }

    public async Task RunAsync(InvocationRequest request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var http = HttpInvocation.From(request, Bindings.Request);
        try
        {
            response.Outputs[Bindings.Response] = await HandleAsync(http, response, cancellationToken);
        }
        catch (BadInputException ex)
        {
            response.Outputs[Bindings.Response] = HttpOutput.Problem(400, "Invalid request", ex.Message);
        }
        catch (JsonException ex)
        {
            response.Outputs[Bindings.Response] = HttpOutput.Problem(400, "Invalid JSON", ex.Message);
        }
        catch (Exception ex) when (StoreUnavailable.Is(ex))
        {
            var reason = StoreUnavailable.Reason(ex);
            response.Logs.Add($"Error: the sync state store (Table Storage) is unavailable: {reason}");
            response.Outputs[Bindings.Response] = HttpOutput.Problem(503, "The sync state store is unavailable", $"Table Storage (the SyncState connection) did not answer: {reason}. Nothing was changed; try again.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            response.Logs.Add($"Error: {Name} failed: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
            response.Outputs[Bindings.Response] = HttpOutput.Problem(500, "Internal error", $"{Name} failed ({ex.GetType().Name}); the handler's log has the details.");
        }
    }

    protected abstract Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken);

    protected static T ReadBody<T>(HttpInvocation request) where T : new() =>
        string.IsNullOrWhiteSpace(request.Body) ? new T() : JsonSerializer.Deserialize<T>(request.Body, FunctionRoutes.Json) ?? new T();

    protected sealed class BadInputException(string message) : Exception(message);
}
