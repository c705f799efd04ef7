using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SfSync.FunctionsHost;

/// <summary>
/// The HTTP side of the host: /{routePrefix}/{route} for every httpTrigger, method and function-key checks
/// (x-functions-key header or ?code=), the request turned into Data.req, the res output turned back into the response.
/// </summary>
internal static class HttpFront
{
    public static void MapHttpFunctions(this WebApplication app, FunctionCatalog catalog, Invoker invoker, string functionKey, QueueInspector queue, HandlerProcess handler, IReadOnlyDictionary<string, object> stack)
    {
        var routes = catalog.Functions.Where(f => f.TriggerType == "httpTrigger")
            .Select(f => (Function: f, Pattern: RoutePattern(catalog.RoutePrefix, f.Route ?? f.Name)))
            .OrderByDescending(r => r.Function.Route?.Count(c => c == '/') ?? 0)
            .ThenBy(r => r.Function.Route?.Count(c => c == '{') ?? 0)
            .ToList();
        // Local-only introspection for tests and demos (the real host has no such paths): the queue, and where things run.
        app.MapGet("/admin/queue", async (CancellationToken cancellationToken) => Results.Json(await queue.DescribeAsync(cancellationToken)));
        app.MapPost("/admin/queue", async (HttpContext http) =>
        {
            var messageId = http.Request.Query["messageId"].ToString();
            await queue.SendAsync(await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted), messageId.Length == 0 ? null : messageId, http.RequestAborted);
            return Results.Accepted();
        });
        app.MapGet("/admin/stack", () => Results.Json(new Dictionary<string, object>(stack) { ["handler"] = handler.BaseUrl.ToString(), ["handlerReady"] = handler.Ready }));
        app.MapPost("/admin/handler/crash", () =>
        {
            handler.Crash();
            return Results.Accepted();
        });
        app.Map("/" + catalog.RoutePrefix + "/{**rest}", async (HttpContext http) =>
        {
            var path = http.Request.Path.Value ?? "";
            var matches = routes.Select(r => (r.Function, Match: r.Pattern.Match(path))).Where(m => m.Match.Success).ToList();
            if (matches.Count == 0)
            {
                return Results.NotFound();
            }

            var allowed = matches.FirstOrDefault(m => m.Function.Methods.Contains(http.Request.Method.ToUpperInvariant()));
            if (allowed.Function is null)
            {
                return Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
            }

            var (function, match) = allowed;
            if (function.AuthLevel != "anonymous" && !KeyMatches(http, functionKey))
            {
                return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "Send the function key in the x-functions-key header or the code query parameter.");
            }

            var body = await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync(http.RequestAborted);
            var req = new JsonObject
            {
                ["Url"] = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}{http.Request.QueryString}",
                ["Method"] = http.Request.Method,
                ["Query"] = new JsonObject(http.Request.Query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)JsonValue.Create(q.Value.ToString())))),
                ["Headers"] = new JsonObject(http.Request.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)new JsonArray(h.Value.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray())))),
                ["Params"] = new JsonObject(match.Groups.Keys.Where(k => !int.TryParse(k, out _)).Select(k => KeyValuePair.Create(k, (JsonNode?)JsonValue.Create(Uri.UnescapeDataString(match.Groups[k].Value))))),
                ["Body"] = body.Length > 0 ? body : null,
            };
            var result = await invoker.InvokeAsync(function, new JsonObject { [function.TriggerName] = req }, [], http.RequestAborted);
            if (!result.Succeeded)
            {
                return Results.StatusCode(500); // what the real host answers when the handler fails
            }

            var res = result.Outputs["res"] as JsonObject ?? [];
            http.Response.StatusCode = int.TryParse(res["statusCode"]?.ToString(), out var status) ? status : 200;
            foreach (var (name, value) in res["headers"] as JsonObject ?? [])
            {
                http.Response.Headers[name] = value?.ToString();
            }

            await http.Response.WriteAsync(res["body"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? res["body"]!.GetValue<string>() : res["body"]?.ToJsonString() ?? "{}", http.RequestAborted);
            return Results.Empty;
        });
    }

    private static bool KeyMatches(HttpContext http, string functionKey)
    {
        var given = http.Request.Headers["x-functions-key"].ToString();
        if (given.Length == 0)
        {
            given = http.Request.Query["code"].ToString();
        }

        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(functionKey));
    }

    private static Regex RoutePattern(string prefix, string route) => new(
        "^/" + Regex.Escape(prefix) + "/" + Regex.Replace(Regex.Escape(route), @"\\\{(\w+)\??}", m => $"(?<{m.Groups[1].Value}>[^/]+)") + "/?$",
        RegexOptions.IgnoreCase,
        TimeSpan.FromSeconds(1));
}
