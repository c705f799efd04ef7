using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SfSync.Telemetry;

namespace SfSync.Functions.Telemetry;

internal static class TelemetrySetup
{
    public const string ServiceName = "sfsync-handler";

    /// <summary>
    /// Logs, spans and metrics of the engine through OpenTelemetry, with the stable dimensions on every log record;
    /// exported to Application Insights only when <see cref="AzureMonitorSettings"/> says so. <paramref name="more"/>
    /// adds exporters (the tests' in-memory ones) after the dimensions processor.
    /// </summary>
    public static IServiceCollection AddSyncTelemetry(this IServiceCollection services, IConfiguration configuration, Action<OpenTelemetryBuilder>? more = null)
    {
        var monitor = AzureMonitorSettings.From(configuration);
        services.Configure<OpenTelemetryLoggerOptions>(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true; // StableDimensions reads them into the record's own properties
            o.ParseStateValues = true;
        });
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(t => t.AddSource(SyncTelemetry.Name))
            .WithMetrics(m => m.AddMeter(SyncTelemetry.Name))
            .WithLogging(l => l.AddProcessor(new StableDimensions()));
        if (monitor is not null)
        {
            builder.UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = monitor.ConnectionString;
                if (monitor.Entra)
                {
                    o.Credential = Credential(monitor.ClientId);
                }
            });
        }

        more?.Invoke(builder);
        return services;
    }

    private static ManagedIdentityCredential Credential(string? clientId) => clientId is null
        ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
        : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
}
