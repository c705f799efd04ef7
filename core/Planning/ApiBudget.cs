using System.Globalization;
using SfSync.Salesforce;

namespace SfSync.Planning;

/// <summary>
/// What a planner run does about the org's daily API budget before it reads the feeds (architecture brief §6.6).
/// Planning pauses at <see cref="PlanningOptions.PauseAtApiUsageShare"/> and resumes only below the resume level
/// (that share minus <see cref="PlanningOptions.ApiUsageResumeMargin"/>), so usage hovering at the threshold does not
/// flip the planner on and off. An observation older than <see cref="PlanningOptions.ApiUsageMaxAge"/> is unknown.
/// </summary>
public enum BudgetCase
{
    /// <summary>Not paused, and usage is below the pause threshold or unknown (none yet, or too old): plan. The feed read
    /// itself brings a fresh figure, so an unknown one costs nothing to learn.</summary>
    Proceed,

    /// <summary>Not paused, and a fresh observation is at or above the pause threshold: plan nothing; the run is Paused.</summary>
    Pause,

    /// <summary>Paused, and a fresh observation is still at or above the resume level (between the two thresholds
    /// included): plan nothing; the run is Paused.</summary>
    StayPaused,

    /// <summary>Paused, and a fresh observation is below the resume level: plan, and the run says it resumed.</summary>
    Resume,

    /// <summary>Paused, and usage is unknown (none, e.g. after a restart, or too old): a paused planner makes no other
    /// call that would refresh it, so read the Limits resource once and decide again.</summary>
    Refresh,
}

/// <summary>The budget decision as a pure function (no I/O) and the words the run history shows for it.</summary>
internal static class ApiBudget
{
    /// <param name="usage">The last observation, or null when there is none.</param>
    /// <param name="age">How old <paramref name="usage"/> is; ignored without one.</param>
    /// <param name="paused">Whether the latest planner run paused (persisted: derived from the run history).</param>
    public static BudgetCase Decide(ApiUsage? usage, TimeSpan age, bool paused, PlanningOptions options)
    {
        var known = usage is not null && age <= options.ApiUsageMaxAge;
        if (!paused)
        {
            return known && usage!.Share >= options.PauseAtApiUsageShare ? BudgetCase.Pause : BudgetCase.Proceed;
        }

        if (!known)
        {
            return BudgetCase.Refresh;
        }

        return usage!.Share < ResumeLevel(options) ? BudgetCase.Resume : BudgetCase.StayPaused;
    }

    public static double ResumeLevel(PlanningOptions options) => options.PauseAtApiUsageShare - options.ApiUsageResumeMargin;

    /// <summary>The run-history message of a paused run: when, the figures, both thresholds.</summary>
    public static string PausedMessage(BudgetCase budgetCase, ApiUsage usage, PlanningOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"Paused{(budgetCase == BudgetCase.StayPaused ? " (still)" : "")}: Salesforce API usage is {usage.Used} of {usage.DailyMax} daily calls ({usage.Share:P1}) as of {usage.ObservedAt:u}, ")
        + (budgetCase == BudgetCase.StayPaused
            ? string.Create(CultureInfo.InvariantCulture, $"not below the {ResumeLevel(options):P1} resume level (pause threshold {options.PauseAtApiUsageShare:P1}). Planning resumes below {ResumeLevel(options):P1}.")
            : string.Create(CultureInfo.InvariantCulture, $"at or above the {options.PauseAtApiUsageShare:P1} pause threshold. Planning resumes below {ResumeLevel(options):P1}."));

    /// <summary>The prefix of a resumed run's message.</summary>
    public static string ResumedMessage(ApiUsage usage, PlanningOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"Resumed: Salesforce API usage is {usage.Used} of {usage.DailyMax} daily calls ({usage.Share:P1}) as of {usage.ObservedAt:u}, below the {ResumeLevel(options):P1} resume level.");
}
