using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SfSync.Telemetry;

/// <summary>
/// The engine's trace source and meter. Only System.Diagnostics: the handler subscribes to them with OpenTelemetry and
/// exports to Application Insights when configured; with no listener they cost nothing.
/// </summary>
internal static class SyncTelemetry
{
    public const string Name = "SfSync";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
