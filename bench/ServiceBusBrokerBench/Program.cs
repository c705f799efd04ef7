using System.Diagnostics;
using System.Globalization;
using Azure.Messaging.ServiceBus;
using SfSync.ServiceBusBroker;

// Messages/s through the local broker with the real SDK, send and receive side by side in one run:
// sends in ServiceBusMessageBatches of 100, receives with a ServiceBusProcessor as host.json configures the trigger
// (4 concurrent calls, auto-complete, no prefetch). Usage: [--messages N] [--size BYTES] (defaults 20000, 1024).
var messages = Argument("--messages", 20_000);
var size = Argument("--size", 1024);
const int BatchSize = 100;

await using var broker = await Broker.StartAsync();
await using var client = new ServiceBusClient(broker.ConnectionString);
await using var sender = client.CreateSender("sync-batches");
var body = new BinaryData(new byte[size]);

// One batch first, so connection, CBS and link set-up are not timed.
await SendAsync(BatchSize, "warm-up");
await DrainAsync(BatchSize);

var sending = Stopwatch.StartNew();
await SendAsync(messages, "m");
sending.Stop();

var receiving = Stopwatch.StartNew();
await DrainAsync(messages);
receiving.Stop();

Console.WriteLine($"{"phase",-58} {"messages",9} {"seconds",8} {"messages/s",11}");
Row($"send, ServiceBusMessageBatch of {BatchSize} ({size} B bodies)", sending.Elapsed);
Row("receive, ServiceBusProcessor (4 concurrent, auto-complete)", receiving.Elapsed);

void Row(string phase, TimeSpan elapsed) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase,-58} {messages,9} {elapsed.TotalSeconds,8:F2} {messages / elapsed.TotalSeconds,11:F0}"));

async Task SendAsync(int count, string prefix)
{
    for (var sent = 0; sent < count;)
    {
        using var batch = await sender.CreateMessageBatchAsync();
        while (sent < count && batch.Count < BatchSize && batch.TryAddMessage(new ServiceBusMessage(body) { MessageId = $"{prefix}-{sent}" }))
        {
            sent++;
        }

        await sender.SendMessagesAsync(batch);
    }
}

async Task DrainAsync(int count)
{
    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var processed = 0;
    await using var processor = client.CreateProcessor("sync-batches", new ServiceBusProcessorOptions { MaxConcurrentCalls = 4, AutoCompleteMessages = true, PrefetchCount = 0 });
    processor.ProcessMessageAsync += _ =>
    {
        if (Interlocked.Increment(ref processed) == count)
        {
            done.TrySetResult();
        }

        return Task.CompletedTask;
    };
    processor.ProcessErrorAsync += args =>
    {
        done.TrySetException(args.Exception);
        return Task.CompletedTask;
    };
    await processor.StartProcessingAsync();
    await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
    await processor.StopProcessingAsync();
}

int Argument(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
