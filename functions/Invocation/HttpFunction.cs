using System.Text.Json;

namespace SfSync.Functions.Invocation;

/// <summary>Base for HTTP functions: reads Data.req, answers through the res output, and turns bad input into a 400 problem.</summary>
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
    }

    protected abstract Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken);

    protected static T ReadBody<T>(HttpInvocation request) where T : new() =>
        string.IsNullOrWhiteSpace(request.Body) ? new T() : JsonSerializer.Deserialize<T>(request.Body, FunctionRoutes.Json) ?? new T();

    protected sealed class BadInputException(string message) : Exception(message);
}
