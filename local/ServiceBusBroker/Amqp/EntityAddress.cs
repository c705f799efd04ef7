using SfSync.ServiceBusBroker.Queues;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// A link address, normalised. The SDK uses three forms — <c>/sync-batches</c> (and <c>/sync-batches/$DeadLetterQueue</c>)
/// for senders and receivers, <c>sync-batches/$management</c> for management, <c>$cbs</c> — and a CBS audience is a
/// whole URI (<c>amqp://127.0.0.1:5672/sync-batches</c>). Entity names compare case-insensitively, as in Service Bus.
/// </summary>
internal readonly record struct EntityAddress(string Queue, SubQueue SubQueue, EntityNode Node)
{
    public const string Cbs = "$cbs";
    public const string DeadLetterQueue = "$DeadLetterQueue";
    public const string Management = "$management";

    public static bool TryParse(string? address, out EntityAddress parsed)
    {
        parsed = default;
        if (string.IsNullOrWhiteSpace(address))
        {
            return false;
        }

        var path = Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps" or "sb" ? uri.AbsolutePath : address;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is [var only] && only.Equals(Cbs, StringComparison.OrdinalIgnoreCase))
        {
            parsed = new EntityAddress(string.Empty, SubQueue.Active, EntityNode.Cbs);
            return true;
        }

        var node = EntityNode.Messages;
        if (segments.Length > 1 && segments[^1].Equals(Management, StringComparison.OrdinalIgnoreCase))
        {
            node = EntityNode.Management;
            segments = segments[..^1];
        }

        var subQueue = SubQueue.Active;
        if (segments.Length > 1 && segments[^1].Equals(DeadLetterQueue, StringComparison.OrdinalIgnoreCase))
        {
            subQueue = SubQueue.DeadLetter;
            segments = segments[..^1];
        }

        if (segments is not [var queue] || queue.StartsWith('$'))
        {
            return false;
        }

        parsed = new EntityAddress(queue, subQueue, node);
        return true;
    }
}
