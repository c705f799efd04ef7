using Azure.Messaging.ServiceBus;
using SfSync.FunctionsHost;

namespace SfSync.Tests.FunctionsHost;

/// <summary>/admin/queue's view of the queue, read from the broker through the SDK: active, locked, scheduled and dead-lettered messages.</summary>
public class QueueInspectorTests
{
    [Fact]
    public async Task It_tells_active_locked_scheduled_and_dead_lettered_messages_apart()
    {
        await using var host = await HostHarness.StartAsync(new TestApp(functions: ("ApplyBatch", [TestApp.Trigger()])), listen: false);
        await using var inspector = new QueueInspector(host.Client, TestApp.Queue);
        await using var receiver = host.Client.CreateReceiver(TestApp.Queue);
        await host.SendAsync(new ServiceBusMessage("poison") { MessageId = "dead" });
        await receiver.DeadLetterMessageAsync((await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)))!, "Unparseable", "not a batch");
        await host.SendAsync(new ServiceBusMessage("running") { MessageId = "locked" });
        var locked = (await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)))!;
        await host.SendAsync(new ServiceBusMessage("waiting") { MessageId = "active" });
        var due = DateTimeOffset.UtcNow.AddMinutes(1);
        await using (var sender = host.Client.CreateSender(TestApp.Queue))
        {
            await sender.ScheduleMessageAsync(new ServiceBusMessage("later") { MessageId = "scheduled" }, due);
        }

        var queue = await inspector.DescribeAsync();

        Assert.Equal(("locked", "running"), (locked.MessageId, locked.Body.ToString()));
        Assert.Equal((1, 1), (queue["active"]!.GetValue<int>(), queue["inFlight"]!.GetValue<int>()));
        Assert.Equal(
            [("locked", "Locked", "running"), ("active", "Active", "waiting")],
            queue["messages"]!.AsArray().Select(m => (m!["messageId"]!.GetValue<string>(), m["state"]!.GetValue<string>(), m["body"]!.GetValue<string>())));
        var scheduled = Assert.Single(queue["scheduled"]!.AsArray())!;
        Assert.Equal(("scheduled", "later"), (scheduled["messageId"]!.GetValue<string>(), scheduled["body"]!.GetValue<string>()));
        Assert.Equal(due.ToUnixTimeMilliseconds(), scheduled["scheduledEnqueueTime"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
        var dead = Assert.Single(queue["deadLetter"]!.AsArray())!;
        Assert.Equal(("dead", "Unparseable", "not a batch", "poison"), (dead["messageId"]!.GetValue<string>(), dead["reason"]!.GetValue<string>(), dead["description"]!.GetValue<string>(), dead["body"]!.GetValue<string>()));
        Assert.Equal(0, dead["deliveryCount"]!.GetValue<int>()); // dead-lettered by a receiver on its first delivery: no failed delivery counted
    }

    [Fact]
    public async Task A_text_sent_through_it_is_one_text_message()
    {
        await using var host = await HostHarness.StartAsync(new TestApp(functions: ("ApplyBatch", [TestApp.Trigger()])), listen: false);
        await using var inspector = new QueueInspector(host.Client, TestApp.Queue);

        await inspector.SendAsync("{\"v\":1}");
        var sent = Assert.Single(await host.PeekAsync());

        Assert.Equal(("{\"v\":1}", "text/plain"), (sent.Body.ToString(), sent.ContentType));
    }
}
