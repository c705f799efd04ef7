using SfSync.SampleApp;
using SfSync.SampleApp.Api;
using SfSync.SampleApp.Data;

// A small line-of-business app (customers and contacts in SQLite) that implements the app sync API contract.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOptions<SampleAppOptions>().BindConfiguration(SampleAppOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
{
    // Say what was wrong with a request that could not be read (bad JSON, wrong types), not just "Bad Request".
    if (context.Exception is BadHttpRequestException bad)
    {
        context.ProblemDetails.Detail = bad.InnerException?.Message ?? bad.Message;
    }
});
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<AppDatabase>();
builder.Services.AddSingleton<RecordStore>();
builder.Services.AddSingleton<DemoSeeder>();
builder.Services.AddSingleton<ApiKeyFilter>();

var app = builder.Build();
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
});
app.UseStatusCodePages();
await app.Services.GetRequiredService<AppDatabase>().InitializeAsync(app.Lifetime.ApplicationStopping);
await app.Services.GetRequiredService<DemoSeeder>().SeedAsync(app.Lifetime.ApplicationStopping);
app.MapGet("/", () => Results.Ok(new { app = "SfSync sample app", sync = "/sync/v1", customers = "/customers", contacts = "/contacts" }));
app.MapSyncApi();
app.MapUserApi();
await app.RunAsync();
