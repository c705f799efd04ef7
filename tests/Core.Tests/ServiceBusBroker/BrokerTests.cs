using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using SfSync.ServiceBusBroker;

namespace SfSync.Tests.ServiceBusBroker;

/// <summary>The broker as the real SDK meets it: connection string, SASL MSSBCBS, CBS, links, a send and a receive.</summary>
public class BrokerTests
{
    [Fact]
    public async Task Starts_in_milliseconds_on_a_free_loopback_port_with_an_emulator_connection_string()
    {
        var clock = Stopwatch.StartNew();
        await using var first = await Broker.StartAsync();
        await using var second = await Broker.StartAsync();
        clock.Stop();

        Assert.NotEqual(first.Port, second.Port);
        Assert.InRange(clock.ElapsedMilliseconds, 0, 1000);
        Assert.Equal($"Endpoint=sb://127.0.0.1:{first.Port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=local-broker-key;UseDevelopmentEmulator=true", first.ConnectionString);
    }

    [Fact]
    public async Task The_SDK_sends_and_receives_with_every_property_the_product_sets()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(time: time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        var message = new ServiceBusMessage("{\"keys\":[]}")
        {
            MessageId = "batch-1:1",
            CorrelationId = "run-7",
            Subject = "Account",
            ContentType = "application/json",
            ApplicationProperties = { ["runId"] = "run-7", ["batchId"] = "batch-1", ["attempt"] = 1 },
        };

        await sender.SendMessageAsync(message);
        await sender.SendMessageAsync(new ServiceBusMessage("second"));
        var received = await LocalBroker.ReceiveAsync(receiver, 2);

        var first = received.Single(m => m.MessageId == "batch-1:1");
        Assert.Equal("{\"keys\":[]}", first.Body.ToString());
        Assert.Equal("run-7", first.CorrelationId);
        Assert.Equal("Account", first.Subject);
        Assert.Equal("application/json", first.ContentType);
        Assert.Equal("run-7", first.ApplicationProperties["runId"]);
        Assert.Equal("batch-1", first.ApplicationProperties["batchId"]);
        Assert.Equal(1, first.ApplicationProperties["attempt"]);
        Assert.Equal(1, first.SequenceNumber);
        Assert.Equal(2, received.Single(m => m.MessageId != "batch-1:1").SequenceNumber);
        Assert.Equal(time.GetUtcNow(), first.EnqueuedTime);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(5), first.LockedUntil);
        Assert.Equal(1, first.DeliveryCount);
        Assert.Equal(TimeSpan.FromDays(1), first.TimeToLive);
        Assert.Equal(ServiceBusMessageState.Active, first.State);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        await using var broker = await Broker.StartAsync();
        var wrongKey = broker.ConnectionString.Replace("local-broker-key", "not-the-key", StringComparison.Ordinal);
        await using var client = new ServiceBusClient(wrongKey, new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0 } });
        await using var sender = client.CreateSender(LocalBroker.QueueName);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
    }

    [Fact]
    public async Task A_queue_the_broker_does_not_have_is_not_found()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Client.CreateSender("no-such-queue");

        var refused = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, refused.Reason);
    }
}
