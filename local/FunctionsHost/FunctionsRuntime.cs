using System.Text.Json.Nodes;

namespace SfSync.FunctionsHost;

/// <summary>
/// What the Functions host does for this app's timers, on one machine: fires them on their schedules. The queue trigger
/// is <see cref="ServiceBusListener"/>'s, the HTTP functions are <see cref="HttpFront"/>'s.
/// </summary>
internal sealed class FunctionsRuntime(FunctionCatalog catalog, Invoker invoker, IReadOnlyDictionary<string, string> settings)
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
}
