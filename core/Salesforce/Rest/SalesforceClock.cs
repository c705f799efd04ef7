namespace SfSync.Salesforce.Rest;

/// <summary>
/// The org's clock as its answers' <c>Date</c> headers tell it, kept as an offset from ours. It errs early, never late:
/// the header is cut to whole seconds and stamped before the answer travels back, so the offset it gives is at most
/// the true one. The change feed relies on that (a read's time may only be underestimated).
/// </summary>
internal sealed class SalesforceClock(TimeProvider time)
{
    private const long Unknown = long.MinValue;

    private long _offsetTicks = Unknown;

    public void Observe(HttpResponseMessage response)
    {
        if (response.Headers.Date is { } date)
        {
            Interlocked.Exchange(ref _offsetTicks, (date - time.GetUtcNow()).Ticks);
        }
    }

    /// <summary>How far the org's clock is ahead of ours, or null before any answer carried a Date.</summary>
    public TimeSpan? Offset => Interlocked.Read(ref _offsetTicks) is var offset && offset == Unknown ? null : TimeSpan.FromTicks(offset);

    /// <summary>The org's time at our <paramref name="local"/> time, or null before any answer carried a Date.</summary>
    public DateTimeOffset? At(DateTimeOffset local) =>
        Interlocked.Read(ref _offsetTicks) is var offset && offset == Unknown ? null : local + TimeSpan.FromTicks(offset);
}
