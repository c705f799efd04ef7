using System.ComponentModel.DataAnnotations;

namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// One queue's properties. The defaults are the <c>sync-batches</c> queue of <c>infra/core/messaging/service-bus.bicep</c>,
/// and a test keeps the two equal: this is the one place the broker takes them from.
/// </summary>
internal sealed class QueueOptions
{
    public const string DefaultName = "sync-batches";

    [Required]
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9._\-]{0,259}$", ErrorMessage = "A queue name is letters, digits, '.', '_' and '-' (Service Bus rules, no paths).")]
    public string Name { get; set; } = DefaultName;

    /// <summary>
    /// PT5M as in the Bicep: a batch takes seconds and the host renews the lock. Service Bus allows 5 s to 5 min; the lower
    /// bound is relaxed here so tests can watch a lock expire in about a second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>10 as in the Bicep: after this many failed deliveries (abandon or lock expiry) a message is dead-lettered.</summary>
    [Range(1, 2000)]
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>P1D as in the Bicep: a batch not picked up within a day is stale, the outbox re-sends it anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "10675199.02:48:05.4775807")]
    public TimeSpan DefaultMessageTimeToLive { get; set; } = TimeSpan.FromDays(1);

    /// <summary>True as in the Bicep: an expired message goes to the dead-letter queue (reason <c>TTLExpiredException</c>).</summary>
    public bool DeadLetteringOnMessageExpiration { get; set; } = true;

    /// <summary>As the Bicep's <c>requiresDuplicateDetection</c>: a MessageId seen within the window is accepted and dropped.</summary>
    public bool RequiresDuplicateDetection { get; set; } = true;

    /// <summary>
    /// As the Bicep's <c>duplicateDetectionHistoryTimeWindow</c>, or Service Bus's default of 10 minutes when the Bicep
    /// sets none. Service Bus allows 20 s to 7 days; the lower bound is relaxed for tests.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan DuplicateDetectionHistoryTimeWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>1024 as in the Bicep: a send that would take the queue (dead letters included) past this is refused whole.</summary>
    [Range(1, 81920)]
    public int MaxSizeInMegabytes { get; set; } = 1024;

    public long MaxSizeInBytes => MaxSizeInMegabytes * 1024L * 1024L;

    /// <summary>Throws <see cref="ValidationException"/> naming the queue and the first property out of range.</summary>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ValidationException($"Queue '{Name}': {string.Join("; ", results.Select(r => r.ErrorMessage))}");
        }
    }
}
