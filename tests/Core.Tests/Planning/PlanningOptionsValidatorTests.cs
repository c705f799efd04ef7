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

    [Theory]
    [InlineData("00:00:05", "01:00:00", true)] // 5 s doubling over 8 tries: 21 min 15 s
    [InlineData("00:00:03", "01:00:00", false)] // 12 min 45 s: inside a dead round's 15-minute lease
    [InlineData("00:00:05", "00:01:00", false)] // capped at a minute: 5 min 15 s
    public void The_follow_ups_must_outlast_a_dead_rounds_lease_on_its_records(string baseDelay, string maxDelay, bool valid)
    {
        var result = new PlanningOptionsValidator().Validate(null, new PlanningOptions { FollowUpBaseDelay = TimeSpan.Parse(baseDelay), DeferralMaxDelay = TimeSpan.Parse(maxDelay) });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Sync:Planning:FollowUpBaseDelay", result.FailureMessage, StringComparison.Ordinal);
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
