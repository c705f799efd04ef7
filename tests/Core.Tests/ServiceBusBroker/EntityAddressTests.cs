using SfSync.ServiceBusBroker.Amqp;
using SfSync.ServiceBusBroker.Queues;

namespace SfSync.Tests.ServiceBusBroker;

/// <summary>The three address forms the SDK uses, and CBS audiences, normalise to one entity.</summary>
public class EntityAddressTests
{
    [Theory]
    [InlineData("/sync-batches", "sync-batches", "Active", "Messages")]
    [InlineData("sync-batches", "sync-batches", "Active", "Messages")]
    [InlineData("/sync-batches/$DeadLetterQueue", "sync-batches", "DeadLetter", "Messages")]
    [InlineData("sync-batches/$management", "sync-batches", "Active", "Management")]
    [InlineData("sync-batches/$deadletterqueue/$management", "sync-batches", "DeadLetter", "Management")]
    [InlineData("amqp://127.0.0.1:5672/sync-batches", "sync-batches", "Active", "Messages")]
    [InlineData("$cbs", "", "Active", "Cbs")]
    public void Parses(string address, string queue, string subQueue, string node)
    {
        Assert.True(EntityAddress.TryParse(address, out var parsed));
        Assert.Equal(new EntityAddress(queue, Enum.Parse<SubQueue>(subQueue), Enum.Parse<EntityNode>(node)), parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("a/b")]
    [InlineData("$management")]
    public void Refuses(string? address) => Assert.False(EntityAddress.TryParse(address, out _));
}
