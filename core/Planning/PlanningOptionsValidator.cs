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

        var followUps = TimeSpan.FromTicks(Enumerable.Range(1, Reconciling.BatchApplier.MaxFollowUpAttempts).Sum(a => options.FollowUpDelay(a).Ticks));
        if (followUps <= Reconciling.BatchWriter.LeaseDuration)
        {
            // A record a dead round still holds is skipped as contended and left to the follow-ups; only one that comes
            // after the round's lease has run out can sync it, or the record waits for its next change.
            errors.Add($"{PlanningOptions.Section}:FollowUpBaseDelay ({options.FollowUpBaseDelay}) with DeferralMaxDelay ({options.DeferralMaxDelay}) spreads the {Reconciling.BatchApplier.MaxFollowUpAttempts} follow-ups over {followUps}; they must outlast a dead round's hold on its records ({Reconciling.BatchWriter.LeaseDuration}).");
        }

        if (options.ApiUsageResumeMargin >= options.PauseAtApiUsageShare)
        {
            errors.Add($"{PlanningOptions.Section}:ApiUsageResumeMargin ({options.ApiUsageResumeMargin}) must be smaller than PauseAtApiUsageShare ({options.PauseAtApiUsageShare}): planning would resume only below zero usage, that is never.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
