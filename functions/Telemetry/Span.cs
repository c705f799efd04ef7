using System.Diagnostics;

namespace SfSync.Functions.Telemetry;

internal static class Span
{
    /// <summary>Puts dimensions on the invocation's span, so the requests table is filtered like the logs.</summary>
    public static void Tag(IReadOnlyDictionary<string, object?> dimensions)
    {
        if (Activity.Current is { } activity)
        {
            foreach (var (key, value) in dimensions)
            {
                activity.SetTag(key, value);
            }
        }
    }
}
