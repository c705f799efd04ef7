namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// The lock a peek-lock delivery holds. The SDK reads it from the delivery tag, which must be exactly these 16 bytes
/// (any other length leaves <c>LockToken</c> empty and every settlement throws), and sends it back in dispositions,
/// <c>renew-lock</c> and <c>update-disposition</c>.
/// </summary>
internal readonly record struct LockToken(Guid Value)
{
    public static LockToken New() => new(Guid.NewGuid());

    public ArraySegment<byte> ToDeliveryTag() => new(Value.ToByteArray());

    public static bool TryFromDeliveryTag(ArraySegment<byte> tag, out LockToken token)
    {
        token = tag.Count == 16 ? new LockToken(new Guid(tag.AsSpan())) : default;
        return tag.Count == 16;
    }

    public override string ToString() => Value.ToString();
}
