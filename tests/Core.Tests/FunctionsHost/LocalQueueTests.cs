using SfSync.FunctionsHost;

namespace SfSync.Tests.FunctionsHost;

/// <summary>The local sync-batches queue behaves as Service Bus does for a single-message trigger with autoComplete.</summary>
public sealed class LocalQueueTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"sfsync-queue-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task A_failed_delivery_is_redelivered_at_once_with_a_higher_count_and_dead_lettered_after_ten()
    {
        using var queue = new LocalQueue(_file);
        await queue.SendAsync("{\"v\":1}");

        var counts = new List<int>();
        for (var i = 0; i < LocalQueue.MaxDeliveryCount; i++)
        {
            var message = await queue.ReceiveAsync(CancellationToken.None);
            counts.Add(message.DeliveryCount);
            queue.Abandon(message, "handler answered 500");
        }

        Assert.Equal(Enumerable.Range(1, 10), counts);
        Assert.Equal(0, queue.ActiveCount);
        var dead = Assert.Single(queue.DeadLetters);
        Assert.Equal("MaxDeliveryCountExceeded: handler answered 500", dead.DeadLetterReason);
    }

    [Fact]
    public async Task Messages_survive_a_restart_including_the_one_being_processed()
    {
        using (var before = new LocalQueue(_file))
        {
            await before.SendAsync("first");
            await before.SendAsync("second");
            await before.ReceiveAsync(CancellationToken.None); // in flight when the host stops
        }

        using var after = new LocalQueue(_file);
        var bodies = new[] { await after.ReceiveAsync(CancellationToken.None), await after.ReceiveAsync(CancellationToken.None) };

        Assert.Equal(["first", "second"], bodies.Select(b => b.Body));
        Assert.Equal(2, bodies[0].DeliveryCount); // delivered once before the restart
    }

    [Fact]
    public async Task A_completed_message_is_gone()
    {
        using var queue = new LocalQueue(_file);
        await queue.SendAsync("done");
        queue.Complete(await queue.ReceiveAsync(CancellationToken.None));

        using var reopened = new LocalQueue(_file);
        Assert.Equal(0, reopened.ActiveCount);
    }
}
