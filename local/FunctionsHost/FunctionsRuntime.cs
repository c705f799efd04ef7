using System.Text.Json.Nodes;

namespace SfSync.FunctionsHost;

/// <summary>
/// What the Functions host does for this app, on one machine: fires timers on their schedules, delivers sync-batches
/// messages to the queue trigger with Service Bus semantics, and serves the HTTP functions (see <see cref="HttpFront"/>).
/// </summary>
internal sealed class FunctionsRuntime(FunctionCatalog catalog, Invoker invoker, LocalQueue queue, IReadOnlyDictionary<string, string> settings, Action<string> output)
{
    public async Task RunTimersAsync(CancellationToken cancellationToken)
    {
        var timers = catalog.Functions.Where(f => f.TriggerType == "timerTrigger")
            .Select(f => (Function: f, Schedule: Crontab.Parse(FunctionCatalog.Resolve(f.Trigger["schedule"]!.GetValue<string>(), settings))))
            .ToList();
        await Task.WhenAll(timers.Select(async timer =>
        {
            var last = DateTimeOffset.UtcNow;
            while (!cancellationToken.IsCancellationRequested)
            {
                var next = timer.Schedule.Next(DateTimeOffset.UtcNow) ?? DateTimeOffset.UtcNow.AddDays(7);
                await Task.Delay(next - DateTimeOffset.UtcNow, cancellationToken);
                await FireTimerAsync(timer.Function, last, next, cancellationToken);
                last = next;
            }
        }));
    }

    public Task<InvocationResult> FireTimerAsync(FunctionDefinition function, DateTimeOffset last, DateTimeOffset next, CancellationToken cancellationToken)
    {
        var data = new JsonObject
        {
            [function.TriggerName] = new JsonObject
            {
                ["Schedule"] = new JsonObject(),
                ["ScheduleStatus"] = new JsonObject { ["Last"] = last.ToString("O"), ["Next"] = next.ToString("O"), ["LastUpdated"] = DateTimeOffset.UtcNow.ToString("O") },
                ["IsPastDue"] = false,
            },
        };
        return invoker.InvokeAsync(function, data, [], cancellationToken);
    }

    public async Task RunQueueAsync(CancellationToken cancellationToken)
    {
        var trigger = catalog.Functions.Single(f => f.TriggerType == "serviceBusTrigger");
        await Task.WhenAll(Enumerable.Range(0, catalog.MaxConcurrentCalls).Select(async _ =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                QueueMessage message;
                try
                {
                    message = await queue.ReceiveAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var data = new JsonObject { [trigger.TriggerName] = Invoker.Scalar(message.Body) };
                var metadata = new JsonObject
                {
                    ["DeliveryCount"] = message.DeliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["MessageId"] = Invoker.Scalar(message.MessageId),
                    ["ContentType"] = Invoker.Scalar("text/plain"),
                    ["EnqueuedTimeUtc"] = message.EnqueuedAt.UtcDateTime.ToString("s", System.Globalization.CultureInfo.InvariantCulture),
                };
                var result = await invoker.InvokeAsync(trigger, data, metadata, cancellationToken);
                if (result.Succeeded)
                {
                    queue.Complete(message);
                }
                else
                {
                    queue.Abandon(message, result.Error ?? "the invocation failed");
                    output($"message {message.MessageId[..8]} abandoned (delivery {message.DeliveryCount} of {LocalQueue.MaxDeliveryCount}): {result.Error}");
                }
            }
        }));
    }
}
