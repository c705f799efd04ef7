using Azure.Messaging.ServiceBus;

namespace SfSync.Queue.ServiceBus;

/// <summary>
/// The dead-letter sub-queue through a peek-lock receiver. Depth is counted by peeking (the runtime-properties call of
/// the administration API needs the Manage right, which the app's identity is deliberately not given).
/// </summary>
internal sealed class ServiceBusDeadLetterQueue(ServiceBusReceiver receiver) : IDeadLetterQueue
{
    /// <summary>The most messages one peek call returns on Service Bus.</summary>
    private const int PeekPage = 250;

    public async Task<DeadLetterListing> PeekAsync(int latest, int scanLimit, CancellationToken cancellationToken = default)
    {
        var newest = new Queue<DeadLetteredBatch>(latest + 1);
        var count = 0;
        long? from = 0;
        try
        {
            while (count < scanLimit)
            {
                var page = await receiver.PeekMessagesAsync(Math.Min(PeekPage, scanLimit - count), from, cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    break;
                }

                foreach (var message in page)
                {
                    count++;
                    newest.Enqueue(BatchMessages.ToDeadLetter(message));
                    if (newest.Count > latest)
                    {
                        newest.Dequeue();
                    }
                }

                from = page[^1].SequenceNumber + 1;
            }
        }
        catch (ServiceBusException ex)
        {
            throw new QueueUnavailableException($"The dead-letter queue could not be read: {ex.Reason}: {ex.Message}", ex);
        }

        return new DeadLetterListing(count, count >= scanLimit, newest.Reverse().ToList());
    }

    public async Task<IReadOnlyList<LockedDeadLetter>> LockAsync(int max, CancellationToken cancellationToken = default)
    {
        var locked = new List<LockedDeadLetter>();
        try
        {
            while (locked.Count < max)
            {
                // A short wait: the messages are there or they are not; an empty receive would otherwise take a minute.
                var received = await receiver.ReceiveMessagesAsync(Math.Min(100, max - locked.Count), TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                if (received.Count == 0)
                {
                    break;
                }

                locked.AddRange(received.Select(m => new LockedDeadLetter(BatchMessages.ToDeadLetter(m), m)));
            }
        }
        catch (ServiceBusException ex)
        {
            foreach (var message in locked)
            {
                await ReleaseAsync(message, CancellationToken.None).ConfigureAwait(false);
            }

            throw new QueueUnavailableException($"The dead-letter queue could not be received from: {ex.Reason}: {ex.Message}", ex);
        }

        return locked;
    }

    public async Task CompleteAsync(LockedDeadLetter message, CancellationToken cancellationToken = default)
    {
        try
        {
            await receiver.CompleteMessageAsync((ServiceBusReceivedMessage)message.Handle, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceBusException ex)
        {
            throw new QueueUnavailableException($"Dead-lettered message {message.Message.MessageId} could not be removed: {ex.Reason}: {ex.Message}", ex);
        }
    }

    public async Task ReleaseAsync(LockedDeadLetter message, CancellationToken cancellationToken = default)
    {
        try
        {
            await receiver.AbandonMessageAsync((ServiceBusReceivedMessage)message.Handle, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceBusException)
        {
            // Its lock lapses by itself and the message stays where it is: nothing is lost by not releasing it now.
        }
    }
}
