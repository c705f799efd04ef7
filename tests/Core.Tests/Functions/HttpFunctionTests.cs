using System.Text.Json;
using SfSync.Functions.Invocation;

namespace SfSync.Tests.Functions;

/// <summary>No HTTP function answers a 5xx without a problem body: an unreachable store is a 503 naming it, the rest a 500.</summary>
public sealed class HttpFunctionTests
{
    [Fact]
    public async Task An_unreachable_state_store_is_a_503_problem_naming_it_and_anything_else_a_500_problem()
    {
        var down = await AnswerAsync(new AggregateException(new Azure.RequestFailedException("Connection refused (127.0.0.1:10002)"), new Azure.RequestFailedException("Connection refused (127.0.0.1:10002)")));
        var refused = await AnswerAsync(new Azure.RequestFailedException(403, "denied", "AuthorizationFailure", null));
        var bug = await AnswerAsync(new InvalidOperationException("a defect\\nat line 1"));

        Assert.Equal((503, "application/problem+json"), (down.Status, down.ContentType));
        Assert.Contains("Table Storage", down.Detail, StringComparison.Ordinal);
        Assert.Contains("Connection refused", down.Detail, StringComparison.Ordinal);
        Assert.Equal(503, refused.Status);
        Assert.Contains("403 AuthorizationFailure", refused.Detail, StringComparison.Ordinal);
        Assert.Equal((500, "application/problem+json"), (bug.Status, bug.ContentType));
        Assert.DoesNotContain("at line", bug.Detail, StringComparison.Ordinal);
    }

    private static async Task<(int Status, string? ContentType, string Detail)> AnswerAsync(Exception thrown)
    {
        var response = new InvocationResponse();
        await new Throwing(thrown).RunAsync(new InvocationRequest(), response, CancellationToken.None);
        var res = JsonSerializer.SerializeToElement(response.Outputs[Bindings.Response]);
        var body = JsonDocument.Parse(res.GetProperty("body").GetString()!).RootElement;
        return (res.GetProperty("statusCode").GetInt32(), res.GetProperty("headers").GetProperty("Content-Type").GetString(), body.GetProperty("detail").GetString()!);
    }

    private sealed class Throwing(Exception thrown) : HttpFunction
    {
        public override string Name => "Throwing";

        protected override Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken) => throw thrown;
    }
}
