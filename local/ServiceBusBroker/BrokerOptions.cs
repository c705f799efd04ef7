using System.ComponentModel.DataAnnotations;
using SfSync.ServiceBusBroker.Queues;

namespace SfSync.ServiceBusBroker;

/// <summary>The local broker: where it listens, the key its connection string carries, and its queues.</summary>
internal sealed class BrokerOptions
{
    /// <summary>0 picks a free port (what tests use); the standalone broker defaults to AMQP's 5672.</summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>The key name and key of the connection string; tokens signed with anything else are refused.</summary>
    [Required]
    public string SharedAccessKeyName { get; set; } = "RootManageSharedAccessKey";

    /// <summary>Not a secret: the broker listens on 127.0.0.1 only and keeps nothing.</summary>
    [Required]
    public string SharedAccessKey { get; set; } = "local-broker-key";

    /// <summary>256 KB, the Standard tier's limit the product is sized for; advertised on every link as max-message-size.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxMessageSizeInBytes { get; set; } = 256 * 1024;

    public List<QueueOptions> Queues { get; set; } = [new()];

    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ValidationException($"Broker: {string.Join("; ", results.Select(r => r.ErrorMessage))}");
        }

        if (Queues.Count == 0)
        {
            throw new ValidationException("Broker: at least one queue is needed.");
        }

        foreach (var queue in Queues)
        {
            queue.Validate();
        }

        if (Queues.GroupBy(q => q.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ValidationException($"Broker: the queue '{twice.Key}' is configured twice (names compare case-insensitively).");
        }
    }
}
