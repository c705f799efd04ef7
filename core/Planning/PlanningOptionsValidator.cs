using Microsoft.Extensions.Options;

namespace SfSync.Planning;

internal sealed class PlanningOptionsValidator : IValidateOptions<PlanningOptions>
{
    public ValidateOptionsResult Validate(string? name, PlanningOptions options)
    {
        var errors = new List<string>();
        if (options.DeferralMaxDelay < options.DeferralBaseDelay)
        {
            errors.Add($"{PlanningOptions.Section}:DeferralMaxDelay ({options.DeferralMaxDelay}) must not be shorter than DeferralBaseDelay ({options.DeferralBaseDelay}).");
        }

        if (options.StallTimeout <= options.SalesforceLookback)
        {
            errors.Add($"{PlanningOptions.Section}:StallTimeout ({options.StallTimeout}) must be longer than SalesforceLookback ({options.SalesforceLookback}).");
        }

        if (options.ApiUsageResumeMargin >= options.PauseAtApiUsageShare)
        {
            errors.Add($"{PlanningOptions.Section}:ApiUsageResumeMargin ({options.ApiUsageResumeMargin}) must be smaller than PauseAtApiUsageShare ({options.PauseAtApiUsageShare}): planning would resume only below zero usage, that is never.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
