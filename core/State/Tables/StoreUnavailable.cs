using Azure;

namespace SfSync.State.Tables;

/// <summary>
/// Tells an exception that means "the sync state store cannot be reached" from the rest: the Table client's refusal
/// (<see cref="RequestFailedException"/>), or its retries giving up on a connection that fails (an
/// <see cref="AggregateException"/> of them).
/// </summary>
internal static class StoreUnavailable
{
    public static bool Is(Exception ex) => ex switch
    {
        RequestFailedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(e => e is RequestFailedException or HttpRequestException),
        _ => false,
    };

    /// <summary>The first line of what went wrong, without a stack trace.</summary>
    public static string Reason(Exception ex) => ex switch
    {
        RequestFailedException { Status: > 0 } failed => $"{failed.Status} {failed.ErrorCode}".Trim(),
        AggregateException aggregate => aggregate.InnerExceptions.LastOrDefault()?.Message.Split('\n')[0] ?? ex.Message,
        _ => ex.Message.Split('\n')[0],
    };
}
