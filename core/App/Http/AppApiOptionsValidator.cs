using Microsoft.Extensions.Options;

namespace SfSync.App.Http;

internal sealed class AppApiOptionsValidator : IValidateOptions<AppApiOptions>
{
    public ValidateOptionsResult Validate(string? name, AppApiOptions options)
    {
        var errors = new List<string>();
        if (options.BaseUrl is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
        {
            errors.Add($"{AppApiOptions.Section}:BaseUrl must be an absolute http(s) address.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey) == string.IsNullOrWhiteSpace(options.Scope))
        {
            errors.Add($"Set exactly one of {AppApiOptions.Section}:ApiKey (X-Api-Key) and {AppApiOptions.Section}:Scope (Entra ID).");
        }

        if (options.TotalTimeout < options.AttemptTimeout)
        {
            errors.Add($"{AppApiOptions.Section}:TotalTimeout must not be shorter than AttemptTimeout.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
