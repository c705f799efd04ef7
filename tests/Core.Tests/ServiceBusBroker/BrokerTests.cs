using Azure.Messaging.ServiceBus;

namespace SfSync.Tests.ServiceBusBroker;

/// <summary>The broker as the real SDK meets it: connection string, SASL MSSBCBS, CBS, links, a send and a receive.</summary>
public class BrokerTests
{
    [Fact]
    public async Task The_SDK_sends_and_receives_through_the_connection_string()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();

        await sender.SendMessageAsync(new ServiceBusMessage("hello") { MessageId = "m-1" });
        var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(received);
        Assert.Equal("hello", received.Body.ToString());
        Assert.Equal("m-1", received.MessageId);
        await receiver.CompleteMessageAsync(received);
    }
}
