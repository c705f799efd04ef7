using System.ComponentModel.DataAnnotations;

namespace SfSync.Planning;

/// <summary>How the planner reads change feeds and recovers work, bound from <c>Sync:Planning</c>.</summary>
internal sealed class PlanningOptions
{
    public const string Section = "Sync:Planning";

    /// <summary>
    /// Ten minutes of SystemModstamp re-read below the watermark on every run: a record becomes visible when its
    /// transaction commits but carries an earlier stamp, and Airbyte settled on 600 s after losing such rows.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SalesforceLookback { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>2000: the most rows one SOQL query page returns, so one page is one API call.</summary>
    [Range(1, 2000)]
    public int ChangePageSize { get; set; } = 2000;

    /// <summary>Keys planned per entity per run; the rest is read on the next run, so a huge backlog never outlives the timer.</summary>
    [Range(200, 1_000_000)]
    public int MaxKeysPerRun { get; set; } = 50_000;

    /// <summary>A batch still pending this long after it was sent is sent again. Longer than the queue lock (5 min) plus retries,
    /// so a batch that is merely slow is not doubled.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>First wait before a deferred batch is tried again; doubles on every attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DeferralBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait between attempts of a deferred batch: an hour keeps a day-long outage to a few dozen tries.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DeferralMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// First wait before a follow-up (a contact whose account was not linked yet) is tried again; doubles on every
    /// attempt. Five seconds: the account's batch is usually being applied alongside and is done by then, so the
    /// contact lands in the same run instead of on the next timer tick.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FollowUpBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Planning pauses when the org's API usage passes this share of its daily limit, leaving the rest to its other users.</summary>
    [Range(0.05, 1.0)]
    public double PauseAtApiUsageShare { get; set; } = 0.8;

    /// <summary>
    /// A paused planner resumes only below <see cref="PauseAtApiUsageShare"/> minus this margin (hysteresis). 0.05, five
    /// points of the daily allocation: usage hovering at the threshold would otherwise switch planning on and off on
    /// every tick, while a wider gap keeps the planner idle longer than the budget needs.
    /// </summary>
    [Range(0.0, 0.5)]
    public double ApiUsageResumeMargin { get; set; } = 0.05;

    /// <summary>
    /// An API-usage figure older than this counts as unknown. Ten minutes: a paused planner makes no call that would
    /// refresh the figure, so it reads the Limits resource (one small call) about every other tick of the 5-minute
    /// timer; daily usage falls slowly, and fresher readings would spend calls the pause is there to save.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ApiUsageMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan DeferralDelay(int attempts) => Doubling(DeferralBaseDelay, attempts);

    public TimeSpan FollowUpDelay(int attempts) => Doubling(FollowUpBaseDelay, attempts);

    private TimeSpan Doubling(TimeSpan first, int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, DeferralMaxDelay.Ticks));
    }
}
