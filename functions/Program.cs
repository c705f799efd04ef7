using SfSync;
using SfSync.App.Http;
using SfSync.Functions;
using SfSync.Functions.Invocation;
using SfSync.Functions.Telemetry;
using SfSync.Queue.ServiceBus;
using SfSync.Salesforce.Rest;
using SfSync.State.Tables;

// The custom handler: the Functions host starts it and POSTs every invocation to /{FunctionName}.
var builder = WebApplication.CreateBuilder(args);
var port = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") ?? "7071";
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.AddProvider(new InvocationLog());
builder.Services
    .AddSyncTelemetry(builder.Configuration)
    .AddSyncEngine()
    .AddSalesforceApi()
    .AddAppApi()
    .AddSyncState()
    .AddServiceBusQueue()
    .AddFunctions();

var app = builder.Build();
app.MapFunctions();
await app.RunAsync();
