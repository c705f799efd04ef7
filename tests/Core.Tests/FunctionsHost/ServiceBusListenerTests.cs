using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace SfSync.Tests.FunctionsHost;

/// <summary>
/// The queue trigger against the real broker and a real HTTP handler: settlement as the Service Bus extension does it
/// with autoComplete (success completes; a failure of any kind abandons, the broker redelivers at once with the count
/// up and dead-letters after max deliveries), host.json's concurrency, lock renewal and autoComplete, and batches.
/// </summary>
public class ServiceBusListenerTests
{
    private static TestApp App(JsonObject? serviceBus = null, string functionTimeout = "00:00:30", string cardinality = "one") =>
        new(serviceBus, functionTimeout, ("ApplyBatch", [TestApp.Trigger(cardinality)]));

    private static int DeliveryCount(Invocation invocation) => int.Parse(invocation.Metadata["DeliveryCount"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_successful_invocation_completes_the_message()
    {
        await using var host = await HostHarness.StartAsync(App());
        await host.SendAsync(new ServiceBusMessage("{\"v\":1}"));

        var invocation = (await host.Handler.WaitForAsync(1))[0];
        await host.UntilAsync(async () => (await host.PeekAsync()).Count == 0, "the message is completed");

        Assert.Equal("ApplyBatch", invocation.Function);
        Assert.Equal(1, DeliveryCount(invocation));
        Assert.Empty(await host.PeekAsync(subQueue: SubQueue.DeadLetter));
        Assert.Single(host.Handler.Invocations);
    }

    public static TheoryData<string> Failures => ["500", "crash", "timeout"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failed_invocation_abandons_the_message_which_comes_back_at_once_with_the_delivery_count_up(string failure)
    {
        var first = failure switch
        {
            "500" => HandlerAnswer.Fail,
            "crash" => HandlerAnswer.Crashes,
            _ => HandlerAnswer.Ok() with { Delay = TimeSpan.FromSeconds(5) }, // past the one-second function timeout
        };
        var calls = 0;
        await using var host = await HostHarness.StartAsync(
            App(functionTimeout: "00:00:01"),
            _ => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? first : HandlerAnswer.Ok()));
        await host.SendAsync(new ServiceBusMessage("{\"v\":1}") { MessageId = "m-1" });

        var invocations = await host.Handler.WaitForAsync(2);
        await host.UntilAsync(async () => (await host.PeekAsync()).Count == 0, "the redelivered message is completed");

        Assert.Equal([1, 2], invocations.Select(DeliveryCount));
        Assert.All(invocations, i => Assert.Equal("\"m-1\"", i.Metadata["MessageId"]!.GetValue<string>()));
        Assert.Empty(await host.PeekAsync(subQueue: SubQueue.DeadLetter));
    }

    [Fact]
    public async Task A_message_that_always_fails_is_dead_lettered_after_the_queues_max_delivery_count()
    {
        await using var host = await HostHarness.StartAsync(App(), _ => Task.FromResult(HandlerAnswer.Fail), queue => queue.MaxDeliveryCount = 3);
        await host.SendAsync(new ServiceBusMessage("poison") { MessageId = "p-1" });

        await host.UntilAsync(async () => (await host.PeekAsync(subQueue: SubQueue.DeadLetter)).Count == 1, "the message is dead-lettered");
        var dead = (await host.PeekAsync(subQueue: SubQueue.DeadLetter))[0];

        Assert.Equal([1, 2, 3], host.Handler.Invocations.Select(DeliveryCount));
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
        Assert.Equal(("p-1", "poison", 3), (dead.MessageId, dead.Body.ToString(), dead.DeliveryCount));
        Assert.Empty(await host.PeekAsync());
    }

    [Fact]
    public async Task No_more_invocations_run_at_once_than_maxConcurrentCalls()
    {
        var release = new TaskCompletionSource();
        await using var host = await HostHarness.StartAsync(
            App(new JsonObject { ["maxConcurrentCalls"] = 3 }),
            async _ =>
            {
                await release.Task;
                return HandlerAnswer.Ok();
            });
        await host.SendAsync(Enumerable.Range(0, 9).Select(i => new ServiceBusMessage($"{{\"i\":{i}}}")).ToArray());

        int heldAtOnce;
        try
        {
            await host.UntilAsync(() => Task.FromResult(host.Handler.InFlight >= 3), "three invocations run");
            await Task.Delay(300); // long enough for a fourth to arrive if the limit were not kept
            heldAtOnce = host.Handler.InFlight;
        }
        finally
        {
            release.SetResult();
        }

        await host.UntilAsync(async () => host.Handler.Invocations.Count == 9 && (await host.PeekAsync()).Count == 0, "all nine are completed");

        Assert.Equal(3, heldAtOnce);
        Assert.Equal(3, host.Handler.MaxInFlight);
    }

    [Theory]
    [InlineData("00:00:30", 1)] // renewed while the invocation runs: delivered once
    [InlineData("00:00:00", 2)] // never renewed: the lock lapses and the message is delivered again meanwhile
    public async Task The_lock_is_renewed_while_an_invocation_runs_for_maxAutoLockRenewalDuration(string renewal, int deliveries)
    {
        await using var host = await HostHarness.StartAsync(
            App(new JsonObject { ["maxAutoLockRenewalDuration"] = renewal }),
            invocation => Task.FromResult(HandlerAnswer.Ok() with { Delay = DeliveryCount(invocation) == 1 ? TimeSpan.FromSeconds(2.5) : TimeSpan.Zero }),
            queue => queue.LockDuration = TimeSpan.FromSeconds(1));
        await host.SendAsync(new ServiceBusMessage("slow"));

        await host.Handler.WaitForAsync(deliveries);
        await host.UntilAsync(() => Task.FromResult(host.Handler.InFlight == 0), "the invocations end");
        await host.UntilAsync(async () => (await host.PeekAsync()).Count == 0, "the message is completed");

        Assert.Equal(Enumerable.Range(1, deliveries), host.Handler.Invocations.Select(DeliveryCount));
    }

    [Fact]
    public async Task Without_autoCompleteMessages_a_success_does_not_complete_and_the_message_comes_back_when_its_lock_lapses()
    {
        await using var host = await HostHarness.StartAsync(
            App(new JsonObject { ["autoCompleteMessages"] = false, ["maxAutoLockRenewalDuration"] = "00:00:00" }),
            queue: queue => queue.LockDuration = TimeSpan.FromMilliseconds(300));
        await host.SendAsync(new ServiceBusMessage("left to its lock"));

        var invocations = await host.Handler.WaitForAsync(2);

        Assert.Equal([1, 2], invocations.Select(DeliveryCount));
    }

    [Fact]
    public async Task A_batch_function_gets_what_one_receive_returns_and_its_messages_are_abandoned_together_or_completed_together()
    {
        var calls = 0;
        await using var host = await HostHarness.StartAsync(
            App(new JsonObject { ["maxMessageBatchSize"] = 10 }, cardinality: "many"),
            _ => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? HandlerAnswer.Fail : HandlerAnswer.Ok()));
        await host.SendAsync([.. Enumerable.Range(0, 3).Select(i => new ServiceBusMessage($"b{i}") { MessageId = $"m{i}" })]);

        await host.UntilAsync(async () => (await host.PeekAsync()).Count == 0, "every message is completed");
        var batches = host.Handler.Invocations.Select(i => (
            Bodies: JsonSerializer.Deserialize<string[]>(i.Data["msg"]!.GetValue<string>())!,
            Counts: JsonSerializer.Deserialize<int[]>(i.Metadata["DeliveryCountArray"]!.GetValue<string>())!)).ToList();
        var (failed, completed) = (batches[0], batches.Skip(1).SelectMany(b => b.Bodies.Zip(b.Counts)).ToList());

        Assert.All(batches, b => Assert.Equal(b.Bodies.Length, b.Counts.Length));
        Assert.All(batches, b => Assert.InRange(b.Bodies.Length, 1, 10));
        Assert.All(failed.Counts, c => Assert.Equal(1, c));
        // Completed once each; those of the failed batch came back together, each with its delivery count up.
        Assert.Equal(["b0", "b1", "b2"], completed.Select(c => c.First).Order());
        Assert.All(completed, c => Assert.Equal(failed.Bodies.Contains(c.First) ? 2 : 1, c.Second));
    }
}
