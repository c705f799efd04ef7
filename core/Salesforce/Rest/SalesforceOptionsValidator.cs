using Microsoft.Extensions.Options;

namespace SfSync.Salesforce.Rest;

internal sealed class SalesforceOptionsValidator : IValidateOptions<SalesforceOptions>
{
    public ValidateOptionsResult Validate(string? name, SalesforceOptions options)
    {
        var errors = new List<string>();
        void Need(string? value, string setting)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{SalesforceOptions.Section}:{setting} is required for the {options.AuthFlow} flow.");
            }
        }

        switch (options.AuthFlow)
        {
            case SalesforceAuthFlow.JwtBearer:
                Need(options.Username, nameof(options.Username));
                Need(options.JwtCertificate, nameof(options.JwtCertificate));
                break;
            case SalesforceAuthFlow.ClientCredentials:
                Need(options.ClientSecret, nameof(options.ClientSecret));
                break;
            case SalesforceAuthFlow.RefreshToken:
                Need(options.RefreshToken, nameof(options.RefreshToken));
                break;
            case SalesforceAuthFlow.Password:
                Need(options.ClientSecret, nameof(options.ClientSecret));
                Need(options.Username, nameof(options.Username));
                Need(options.Password, nameof(options.Password));
                break;
        }

        if (options.LoginUrl is { IsAbsoluteUri: false } or { Scheme: not ("https" or "http") })
        {
            errors.Add($"{SalesforceOptions.Section}:LoginUrl must be an absolute https address.");
        }

        if (options.TotalTimeout < options.AttemptTimeout)
        {
            errors.Add($"{SalesforceOptions.Section}:TotalTimeout must not be shorter than AttemptTimeout.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
