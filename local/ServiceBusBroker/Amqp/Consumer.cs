using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using SfSync.ServiceBusBroker.Queues;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// A receiver's link from a queue or its dead-letter queue. Peek-lock (<c>rcv-settle-mode second</c>) deliveries are
/// tagged with their 16-byte lock token and settled when the receiver's disposition comes; receive-and-delete ones go
/// pre-settled. The SDK waits for the broker's settled answer to every disposition.
/// </summary>
internal sealed class Consumer(Queue queue, SubQueue subQueue, SendingAmqpLink link)
    : QueueReceiver(subQueue, link.Settings.SettleType == SettleMode.SettleOnSend)
{
    private static readonly Fields NoFields = [];

    /// <summary>The link's credit less what the library still holds unsent.</summary>
    protected override int AvailableCredit =>
        link.State is AmqpObjectState.Opened or AmqpObjectState.OpenSent or AmqpObjectState.OpenReceived
            ? (int)Math.Min(link.LinkCredit, int.MaxValue) - (int)Math.Min(link.Available, int.MaxValue)
            : 0;

    public void Start()
    {
        // The listener reports credit increases only; the amount is read from the link when the queue pumps.
        link.RegisterCreditListener((_, _, _) => queue.Pump());
        link.RegisterDispositionListener(OnDisposition);
        link.SafeAddClosed((_, _) => queue.Detach(this));
        queue.Attach(this);
    }

    public override bool Deliver(DeliverySnapshot delivery)
    {
        if (link.IsClosing())
        {
            return false;
        }

        var tag = delivery.Lock?.Token.ToDeliveryTag() ?? LockToken.New().ToDeliveryTag();
        link.SendMessageNoWait(DeliveryEncoder.Encode(delivery), tag, AmqpConstants.NullBinary);
        return true;
    }

    private void OnDisposition(Delivery delivery)
    {
        // Pre-settled (receive-and-delete) deliveries report back from inside the send; nothing is locked for them.
        if (ReceiveAndDelete || !LockToken.TryFromDeliveryTag(delivery.DeliveryTag, out var token))
        {
            return;
        }

        var state = delivery.State;
        var (settlement, answer) = Interpret(state);

        if (settlement is { } asked && !queue.Settle(token, asked, DeadLetterOf(state), PropertiesOf(state)))
        {
            answer = new Rejected { Error = new Error { Condition = "com.microsoft:message-lock-lost", Description = "The lock on the message is lost: it expired, or the message was settled." } };
        }

        if (!delivery.Settled)
        {
            link.DisposeDelivery(delivery, true, answer);
        }
    }

    /// <summary>What the receiver's outcome asks for, and the settled outcome to answer with when that succeeds.</summary>
    private static (Settlement? Settlement, DeliveryState Answer) Interpret(DeliveryState state) => state switch
    {
        Accepted => (Settlement.Complete, AmqpConstants.AcceptedOutcome),
        // A bare Rejected: the SDK takes a Rejected carrying an error, even its own dead-letter one, as a failure.
        Rejected => (Settlement.DeadLetter, new Rejected()),
        Modified { UndeliverableHere: true } => (null, NotImplemented("Defer is not supported by the local broker.")),
        Modified => (Settlement.Abandon, new Modified()),
        _ => (Settlement.Release, AmqpConstants.ReleasedOutcome),
    };

    private static DeadLetterRequest? DeadLetterOf(DeliveryState state) =>
        state is Rejected { Error: { } error }
            ? new DeadLetterRequest(Info(error, "DeadLetterReason"), Info(error, "DeadLetterErrorDescription"))
            : null;

    private static string? Info(Error error, string key) =>
        error.Info is { } info && info.TryGetValue<string>(key, out var value) ? value : null;

    private static Dictionary<string, object>? PropertiesOf(DeliveryState state) =>
        state is Modified { MessageAnnotations: { } annotations }
            ? annotations.ToDictionary(p => p.Key.Key.ToString()!, p => p.Value, StringComparer.Ordinal)
            : null;

    private static Rejected NotImplemented(string description) => new() { Error = new Error { Condition = AmqpErrorCode.NotImplemented, Description = description, Info = NoFields } };
}
