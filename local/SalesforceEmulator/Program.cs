using SfSync.SalesforceEmulator;
using SfSync.SalesforceEmulator.Api;
using SfSync.SalesforceEmulator.Org;

// A local stand-in for a Salesforce org's REST API: OAuth, query/queryAll, Composite, sObject Collections, list views, limits.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOptions<EmulatorOptions>().BindConfiguration(EmulatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<OrgStore>();
builder.Services.AddSingleton<QueryCursors>();
builder.Services.AddSingleton<EmulatorState>();
builder.Services.AddSingleton<DataApi>();
builder.Services.AddSingleton<ListViews>();
builder.Services.AddSingleton<OrgSeeder>();

var app = builder.Build();
app.Services.GetRequiredService<OrgSeeder>().Seed();
app.MapGet("/", () => Results.Ok(new { emulator = "Salesforce REST API", token = "/services/oauth2/token", data = "/services/data", admin = "/__emulator" }));
app.MapOAuth();
app.MapData();
app.MapAdmin();
app.MapSlowTransactions();
await app.RunAsync();
