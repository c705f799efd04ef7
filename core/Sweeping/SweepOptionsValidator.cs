using Microsoft.Extensions.Options;
using SfSync.Planning;

namespace SfSync.Sweeping;

/// <summary>Cross-field rules of <see cref="SweepOptions"/>: a record the sweep reconciles must be one the change feed has
/// had its chance at, so <c>SettleTime</c> is at least the planner's lookback.</summary>
internal sealed class SweepOptionsValidator(IOptions<PlanningOptions> planning) : IValidateOptions<SweepOptions>
{
    public ValidateOptionsResult Validate(string? name, SweepOptions options)
    {
        var lookback = planning.Value.SalesforceLookback;
        return options.SettleTime < lookback
            ? ValidateOptionsResult.Fail($"{SweepOptions.Section}:SettleTime ({options.SettleTime}) must be at least {PlanningOptions.Section}:SalesforceLookback ({lookback}): the change feed re-reads that window, so the sweep must leave it alone.")
            : ValidateOptionsResult.Success;
    }
}
