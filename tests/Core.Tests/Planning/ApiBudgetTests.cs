using SfSync.Planning;
using SfSync.Salesforce;

namespace SfSync.Tests.Planning;

public class ApiBudgetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    // Defaults: pause at 0.80, resume below 0.75, a figure older than 10 minutes is unknown.
    private static readonly PlanningOptions Options = new();

    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan Old = TimeSpan.FromMinutes(11);

    /// <summary>Exactly one row per case of <see cref="BudgetCase"/>.</summary>
    public static TheoryData<BudgetCase, long?, TimeSpan, bool> Cases => new()
    {
        // case                   used of 10,000  age    paused
        { BudgetCase.Proceed,     7_000,          Fresh, false },
        { BudgetCase.Pause,       8_000,          Fresh, false },
        { BudgetCase.StayPaused,  7_800,          Fresh, true },
        { BudgetCase.Resume,      7_400,          Fresh, true },
        { BudgetCase.Refresh,     9_000,          Old,   true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_budget_case_decides_as_documented(BudgetCase expected, long? used, TimeSpan age, bool paused) =>
        Assert.Equal(expected, ApiBudget.Decide(Usage(used), age, paused, Options));

    [Fact]
    public void Every_budget_case_has_a_row_in_the_table() =>
        Assert.Equal(Enum.GetValues<BudgetCase>().Order(), Cases.Select(row => (BudgetCase)row[0]).Order());

    [Theory]
    [InlineData(7_999, false, BudgetCase.Proceed)] // just below the threshold
    [InlineData(8_000, false, BudgetCase.Pause)] // at the threshold
    [InlineData(7_800, false, BudgetCase.Proceed)] // between the two thresholds, not paused: keeps planning
    [InlineData(8_000, true, BudgetCase.StayPaused)] // above both
    [InlineData(7_500, true, BudgetCase.StayPaused)] // exactly at the resume level: not below it
    [InlineData(7_499, true, BudgetCase.Resume)] // just below the resume level
    public void The_two_thresholds_make_a_hysteresis_band(long used, bool paused, BudgetCase expected) =>
        Assert.Equal(expected, ApiBudget.Decide(Usage(used), Fresh, paused, Options));

    [Fact]
    public void No_observation_is_unknown_usage_refreshed_only_when_paused()
    {
        Assert.Equal(BudgetCase.Proceed, ApiBudget.Decide(null, TimeSpan.MaxValue, paused: false, Options));
        Assert.Equal(BudgetCase.Refresh, ApiBudget.Decide(null, TimeSpan.MaxValue, paused: true, Options));
    }

    [Fact]
    public void An_observation_older_than_the_bound_is_unknown_and_one_exactly_at_it_is_not()
    {
        // Over the threshold, but too old to pause on: the feed read brings a fresh figure anyway.
        Assert.Equal(BudgetCase.Proceed, ApiBudget.Decide(Usage(9_000), Old, paused: false, Options));
        Assert.Equal(BudgetCase.Pause, ApiBudget.Decide(Usage(9_000), Options.ApiUsageMaxAge, paused: false, Options));
        Assert.Equal(BudgetCase.Refresh, ApiBudget.Decide(Usage(1_000), Old, paused: true, Options));
        Assert.Equal(BudgetCase.Resume, ApiBudget.Decide(Usage(1_000), Options.ApiUsageMaxAge, paused: true, Options));
    }

    [Fact]
    public void The_resume_level_is_the_threshold_minus_the_margin() =>
        Assert.Equal(0.70, ApiBudget.ResumeLevel(new PlanningOptions { PauseAtApiUsageShare = 0.9, ApiUsageResumeMargin = 0.2 }), 10);

    [Fact]
    public void A_paused_run_says_when_and_why_with_both_thresholds()
    {
        var message = ApiBudget.PausedMessage(BudgetCase.Pause, Usage(8_123)!, Options);

        Assert.Contains("8123 of 10000 daily calls (81.2 %)", message, StringComparison.Ordinal);
        Assert.Contains("2026-11-02 09:00:00Z", message, StringComparison.Ordinal);
        Assert.Contains("80.0 % pause threshold", message, StringComparison.Ordinal);
        Assert.Contains("resumes below 75.0 %", message, StringComparison.Ordinal);
        Assert.StartsWith("Paused (still)", ApiBudget.PausedMessage(BudgetCase.StayPaused, Usage(7_800)!, Options), StringComparison.Ordinal);
        Assert.StartsWith("Resumed:", ApiBudget.ResumedMessage(Usage(7_000)!, Options), StringComparison.Ordinal);
    }

    private static ApiUsage? Usage(long? used) => used is { } u ? new ApiUsage(u, 10_000, T0) : null;
}
