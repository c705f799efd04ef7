using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SfSync.SampleApp.Api;

/// <summary>The sync API requires <c>X-Api-Key</c>; compared in constant time so the key cannot be guessed byte by byte.</summary>
internal sealed class ApiKeyFilter(IOptions<SampleAppOptions> options) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var given = context.HttpContext.Request.Headers[Header].ToString();
        var expected = options.Value.ApiKey;
        if (given.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Missing or wrong API key",
                detail: $"The sync API needs the app's key in the {Header} header.");
        }

        return await next(context);
    }
}
