using Azure.Messaging.ServiceBus;
using SfSync.Reconciling;

namespace SfSync.Queue.ServiceBus;

/// <summary>
/// Sends batches with the one <see cref="ServiceBusSender"/> of the process, in <see cref="ServiceBusMessageBatch"/>es:
/// each send is atomic (the broker accepts or refuses the whole envelope), split only where the size limit falls.
/// </summary>
internal sealed class ServiceBusBatchQueue(ServiceBusSender sender) : IBatchQueue
{
    public async Task SendAsync(IReadOnlyList<SyncBatch> batches, CancellationToken cancellationToken = default)
    {
        var index = 0;
        var sent = 0;
        try
        {
            while (index < batches.Count)
            {
                using var envelope = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                while (index < batches.Count && envelope.TryAddMessage(BatchMessages.ToMessage(batches[index])))
                {
                    index++;
                }

                if (envelope.Count == 0)
                {
                    // 200 keys take about 20 KB, so this is a producer bug, not a full queue.
                    throw new InvalidOperationException($"Batch {batches[index].BatchId} does not fit in one message of {envelope.MaxSizeInBytes} bytes.");
                }

                await sender.SendMessagesAsync(envelope, cancellationToken).ConfigureAwait(false);
                sent = index;
            }
        }
        catch (ServiceBusException ex)
        {
            throw new QueueUnavailableException($"{sent} of {batches.Count} batches were sent; the rest could not be: {ex.Reason}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new QueueUnavailableException($"{sent} of {batches.Count} batches were sent; the queue refused the credentials: {ex.Message}", ex);
        }
    }

    public async Task ScheduleAsync(SyncBatch batch, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        try
        {
            await sender.ScheduleMessageAsync(BatchMessages.ToMessage(batch), at, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceBusException ex)
        {
            throw new QueueUnavailableException($"Batch {batch.BatchId} could not be scheduled for {at:u}: {ex.Reason}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new QueueUnavailableException($"Batch {batch.BatchId} could not be scheduled: the queue refused the credentials: {ex.Message}", ex);
        }
    }
}
