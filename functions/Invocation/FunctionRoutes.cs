using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SfSync.Functions.Invocation;

internal static partial class FunctionRoutes
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>POST /{FunctionName} for every function, and GET / for the host's readiness probe.</summary>
    public static void MapFunctions(this WebApplication app)
    {
        app.MapGet("/", () => Results.Ok(new { ready = true }));
        foreach (var function in app.Services.GetServices<IFunction>())
        {
            app.MapPost("/" + function.Name, (HttpContext http, InvocationRunner runner, ILogger<InvocationLog> logger) => InvokeAsync(function, http, runner, logger));
        }
    }

    private static async Task<IResult> InvokeAsync(IFunction function, HttpContext http, InvocationRunner runner, ILogger logger)
    {
        InvocationRequest request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<InvocationRequest>(http.Request.Body, Json, http.RequestAborted) ?? new InvocationRequest();
        }
        catch (JsonException ex)
        {
            // Not an invocation the host would send: say so, with a 200 so the message is completed and the reason kept.
            return Results.Json(new InvocationResponse { Logs = [$"Error: the invocation body is not valid JSON: {ex.Message}"] }, Json);
        }

        var invocationId = http.Request.Headers["X-Azure-Functions-InvocationId"].ToString();
        using var log = InvocationLog.Begin(out var lines);
        InvocationResponse response;
        try
        {
            response = await runner.RunAsync(function, request, invocationId, http.RequestAborted);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            // The host fails the invocation on any non-2xx and drops its Logs, so the reason goes to our own log.
            Failed(logger, function.Name, invocationId, ex.Message, ex);
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: $"{function.Name} failed", detail: ex.Message);
        }

        response.Logs.InsertRange(0, lines);
        Invoked(logger, function.Name, invocationId, lines.Count);
        return Results.Json(response, Json);
    }

    [LoggerMessage(EventId = 6002, EventName = "InvocationFailed", Level = LogLevel.Error, Message = "{Function} invocation {InvocationId} failed: {Reason}")]
    private static partial void Failed(ILogger logger, string function, string invocationId, string reason, Exception exception);

    [LoggerMessage(EventId = 6001, EventName = "Invoked", Level = LogLevel.Debug, Message = "{Function} invocation {InvocationId} answered with {Count} log lines")]
    private static partial void Invoked(ILogger logger, string function, string invocationId, int count);
}
