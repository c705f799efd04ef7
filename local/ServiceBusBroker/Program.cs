using System.Globalization;
using Microsoft.Extensions.Logging;
using SfSync.ServiceBusBroker;

// dotnet run --project local/ServiceBusBroker -- [--port 5672]
// Runs the local Service Bus broker until Ctrl+C and prints the connection string to give the SDK.
var options = new BrokerOptions { Port = 5672 };
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--port")
    {
        options.Port = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
}

using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
await using var broker = await Broker.StartAsync(options, loggers: loggers);
Console.WriteLine(broker.ConnectionString);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C: the queues and their messages go with the process.
}
