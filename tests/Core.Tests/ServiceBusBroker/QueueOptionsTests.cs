using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using System.Xml;
using SfSync.ServiceBusBroker.Queues;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.ServiceBusBroker;

/// <summary>The broker's queue properties are the Bicep's: one place in code, checked against infra/.</summary>
public partial class QueueOptionsTests
{
    private static readonly string Bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "core", "messaging", "service-bus.bicep"));

    /// <summary>Service Bus's own default window, used when the Bicep sets none.</summary>
    private static readonly TimeSpan ServiceBusDefaultDuplicateWindow = TimeSpan.FromMinutes(10);

    [Fact]
    public void Defaults_equal_the_sync_batches_queue_in_the_Bicep()
    {
        var options = new QueueOptions();
        var main = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.bicep"));

        Assert.Equal(Regex.Match(main, @"var queueName = '([^']+)'").Groups[1].Value, options.Name);
        Assert.Equal(XmlConvert.ToTimeSpan(Property("lockDuration").Trim('\'')), options.LockDuration);
        Assert.Equal(int.Parse(Property("maxDeliveryCount"), System.Globalization.CultureInfo.InvariantCulture), options.MaxDeliveryCount);
        Assert.Equal(XmlConvert.ToTimeSpan(Property("defaultMessageTimeToLive").Trim('\'')), options.DefaultMessageTimeToLive);
        Assert.Equal(bool.Parse(Property("deadLetteringOnMessageExpiration")), options.DeadLetteringOnMessageExpiration);
        Assert.Equal(bool.Parse(Property("requiresDuplicateDetection")), options.RequiresDuplicateDetection);
        var window = OptionalProperty("duplicateDetectionHistoryTimeWindow");
        Assert.Equal(window is null ? ServiceBusDefaultDuplicateWindow : XmlConvert.ToTimeSpan(window.Trim('\'')), options.DuplicateDetectionHistoryTimeWindow);
        Assert.Equal(int.Parse(Property("maxSizeInMegabytes"), System.Globalization.CultureInfo.InvariantCulture), options.MaxSizeInMegabytes);
    }

    [Fact]
    public void A_lock_duration_past_Service_Bus_s_five_minutes_is_refused_with_the_queue_named()
    {
        var options = new QueueOptions { LockDuration = TimeSpan.FromMinutes(6) };

        var refused = Assert.Throws<ValidationException>(options.Validate);

        Assert.Contains("sync-batches", refused.Message);
        Assert.Contains("LockDuration", refused.Message);
    }

    [Fact]
    public void A_queue_name_with_a_path_is_refused()
    {
        Assert.Throws<ValidationException>(new QueueOptions { Name = "sync/batches" }.Validate);
    }

    private static string Property(string name) => OptionalProperty(name) ?? throw new InvalidOperationException($"{name} is not set in service-bus.bicep.");

    private static string? OptionalProperty(string name) =>
        Regex.Match(Bicep, $@"^\s*{name}:\s*(\S+)\s*$", RegexOptions.Multiline) is { Success: true } match ? match.Groups[1].Value : null;
}
