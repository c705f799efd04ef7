using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SfSync.Tests.FunctionsHost;

/// <summary>One invocation as the handler received it: the function (the request path) and the JSON envelope.</summary>
internal sealed record Invocation(string Function, JsonObject Payload, string? InvocationId)
{
    public JsonObject Data => Payload[nameof(Data)]!.AsObject();

    public JsonObject Metadata => Payload[nameof(Metadata)]!.AsObject();
}

/// <summary>What the handler does with an invocation: answer with a status and a body, or drop the connection as a crash does.</summary>
internal sealed record HandlerAnswer(int Status, JsonObject? Body = null, bool Crash = false, TimeSpan Delay = default)
{
    public static HandlerAnswer Ok(JsonObject? outputs = null) => new(200, new JsonObject { ["Outputs"] = outputs ?? [], ["Logs"] = new JsonArray() });

    public static HandlerAnswer Fail { get; } = new(500, []);

    public static HandlerAnswer Crashes { get; } = new(0, Crash: true);
}

/// <summary>
/// A custom handler for one test: a real Kestrel server on a free loopback port that records every invocation the host
/// POSTs to it, counts how many run at once, and answers as the test says (by default 200 with an empty envelope).
/// </summary>
internal sealed class RecordingHandler : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Invocation> _invocations = new();
    private int _inFlight;
    private int _maxInFlight;

    private RecordingHandler(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<Invocation> Invocations => [.. _invocations];

    public int InFlight => Volatile.Read(ref _inFlight);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public static async Task<RecordingHandler> StartAsync(Func<Invocation, Task<HandlerAnswer>>? answer = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var handler = new RecordingHandler(app);
        answer ??= _ => Task.FromResult(HandlerAnswer.Ok());
        app.MapPost("/{function}", async (string function, HttpContext http) =>
        {
            var payload = (await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted))!.AsObject();
            var invocation = new Invocation(function, payload, http.Request.Headers["X-Azure-Functions-InvocationId"].ToString());
            handler._invocations.Enqueue(invocation);
            var running = Interlocked.Increment(ref handler._inFlight);
            InterlockedMax(ref handler._maxInFlight, running);
            try
            {
                var reply = await answer(invocation);
                await Task.Delay(reply.Delay, http.RequestAborted);
                if (reply.Crash)
                {
                    http.Abort();
                    return;
                }

                http.Response.StatusCode = reply.Status;
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(reply.Body?.ToJsonString() ?? "{}", http.RequestAborted);
            }
            finally
            {
                Interlocked.Decrement(ref handler._inFlight);
            }
        });
        await app.StartAsync();
        handler.BaseUrl = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return handler;
    }

    /// <summary>The first <paramref name="count"/> invocations, once that many arrived; fails after a few seconds.</summary>
    public async Task<IReadOnlyList<Invocation>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (_invocations.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{_invocations.Count} invocations arrived, {count} expected.");
            await Task.Delay(20);
        }

        return Invocations.Take(count).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
