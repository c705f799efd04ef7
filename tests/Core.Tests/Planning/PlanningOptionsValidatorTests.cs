using Microsoft.Extensions.Options;
using SfSync.Planning;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Planning;

public class PlanningOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid() =>
        Assert.True(new PlanningOptionsValidator().Validate(null, new PlanningOptions()).Succeeded);

    [Theory]
    [InlineData(0.8, 0.79, true)]
    [InlineData(0.8, 0.0, true)] // no hysteresis: allowed, if unwise
    [InlineData(0.8, 0.8, false)] // would resume only below 0 % usage: never
    [InlineData(0.1, 0.2, false)]
    public void The_resume_margin_must_leave_a_resume_level_above_zero(double pauseAt, double margin, bool valid)
    {
        var result = new PlanningOptionsValidator().Validate(null, new PlanningOptions { PauseAtApiUsageShare = pauseAt, ApiUsageResumeMargin = margin });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Sync:Planning:ApiUsageResumeMargin", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_bad_resume_margin_stops_the_engine_at_start()
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { ["Sync:Planning:PauseAtApiUsageShare"] = "0.5", ["Sync:Planning:ApiUsageResumeMargin"] = "0.5" });

        var error = Assert.Throws<OptionsValidationException>(() => h.Get<IOptions<PlanningOptions>>().Value);
        Assert.Contains("ApiUsageResumeMargin", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sync:Planning:ApiUsageResumeMargin", "0.6")]
    [InlineData("Sync:Planning:ApiUsageResumeMargin", "-0.1")]
    [InlineData("Sync:Planning:ApiUsageMaxAge", "-00:01:00")]
    [InlineData("Sync:Planning:ApiUsageMaxAge", "2.00:00:00")]
    public void Out_of_range_budget_settings_stop_the_engine_at_start(string key, string value)
    {
        using var h = new SyncHarness(new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => h.Get<IOptions<PlanningOptions>>().Value);
        Assert.Contains(key.Split(':')[^1], error.Message, StringComparison.Ordinal);
    }
}
