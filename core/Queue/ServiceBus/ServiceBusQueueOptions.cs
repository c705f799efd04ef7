using System.ComponentModel.DataAnnotations;

namespace SfSync.Queue.ServiceBus;

/// <summary>Which queue the engine sends to, bound from <c>Sync:Queue</c>.</summary>
internal sealed class ServiceBusQueueOptions
{
    public const string Section = "Sync:Queue";

    /// <summary>
    /// The name of the connection setting, the one the trigger's function.json names: <c>ServiceBusConnection</c> holds a
    /// connection string (the local broker), or <c>ServiceBusConnection__fullyQualifiedNamespace</c> (+ <c>__clientId</c>
    /// for the user-assigned identity) a namespace reached with a managed identity.
    /// </summary>
    [Required]
    public string Connection { get; set; } = "ServiceBusConnection";

    /// <summary>The queue ApplyBatch is triggered by (functions/ApplyBatch/function.json).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,259}$")]
    public string QueueName { get; set; } = "sync-batches";
}
