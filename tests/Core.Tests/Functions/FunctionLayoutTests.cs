using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SfSync.Functions;
using SfSync.Functions.Invocation;
using SfSync.FunctionsHost;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Functions;

/// <summary>The function folders, their function.json files and the handler's routes agree, as the host requires.</summary>
public class FunctionLayoutTests
{
    private static readonly string FunctionsDir = Path.Combine(RepoPaths.Root, "functions");

    // No "serviceBus" output: batches are sent through the SDK (atomic batches, message ids), never by the host.
    private static readonly HashSet<string> KnownTypes = ["timerTrigger", "serviceBusTrigger", "httpTrigger", "http"];

    [Fact]
    public void Every_function_folder_has_a_handler_route_and_every_route_a_folder()
    {
        var folders = Directory.EnumerateDirectories(FunctionsDir).Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(d => Path.GetFileName(d)!).Order().ToList();
        var routes = new ServiceCollection().AddSingleton(TimeProvider.System).AddFunctions().Where(d => d.ServiceType == typeof(IFunction))
            .Select(d => d.ImplementationType!.Name).Order().ToList();

        Assert.Equal(folders, routes);
        Assert.Equal(16, routes.Count);
    }

    [Fact]
    public void Every_function_json_is_valid_for_the_host()
    {
        foreach (var file in Directory.EnumerateFiles(FunctionsDir, "function.json", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var bindings = JsonNode.Parse(File.ReadAllText(file))!["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList();
            var name = Path.GetFileName(Path.GetDirectoryName(file))!;
            Assert.All(bindings, b => Assert.Contains(b["type"]!.GetValue<string>(), KnownTypes));
            Assert.All(bindings, b => Assert.Matches("^[a-z][A-Za-z]*$", b["name"]!.GetValue<string>()));
            Assert.Equal(bindings.Count, bindings.Select(b => b["name"]!.GetValue<string>()).Distinct().Count());
            var trigger = Assert.Single(bindings, b => b["direction"]!.GetValue<string>() == "in");
            Assert.EndsWith("Trigger", trigger["type"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.False(trigger["name"]!.GetValue<string>().EndsWith("trigger", StringComparison.OrdinalIgnoreCase), $"{name}: the host drops binding data named *trigger");

            switch (trigger["type"]!.GetValue<string>())
            {
                case "httpTrigger":
                    Assert.Equal("function", trigger["authLevel"]!.GetValue<string>());
                    Assert.NotEmpty(trigger["route"]!.GetValue<string>());
                    Assert.Contains(bindings, b => b["type"]!.GetValue<string>() == "http" && b["name"]!.GetValue<string>() == Bindings.Response);
                    Assert.Equal(Bindings.Request, trigger["name"]!.GetValue<string>());
                    break;
                case "serviceBusTrigger":
                    Assert.Equal(("sync-batches", "ServiceBusConnection", Bindings.Message), (trigger["queueName"]!.GetValue<string>(), trigger["connection"]!.GetValue<string>(), trigger["name"]!.GetValue<string>()));
                    break;
                case "timerTrigger":
                    Assert.Equal(name == "SweepTimer" ? "%SweepSchedule%" : "%SyncSchedule%", trigger["schedule"]!.GetValue<string>());
                    Assert.False(trigger["runOnStartup"]!.GetValue<bool>());
                    break;
            }
        }
    }

    [Fact]
    public void The_sample_schedule_is_every_five_minutes()
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")))!["Values"]!;
        var schedule = Crontab.Parse(settings["SyncSchedule"]!.GetValue<string>());
        var t = new DateTimeOffset(2026, 11, 23, 10, 2, 30, TimeSpan.Zero);

        Assert.Equal(t.Date.AddHours(10).AddMinutes(5), schedule.Next(t)!.Value.UtcDateTime);
        Assert.Equal(t.Date.AddHours(10).AddMinutes(10), schedule.Next(schedule.Next(t)!.Value)!.Value.UtcDateTime);
    }

    [Fact]
    public void host_json_configures_the_custom_handler_the_bundle_and_Service_Bus()
    {
        var host = new FunctionCatalog(RepoPaths.Root);

        Assert.Equal("SfSync.Functions", host.Host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());
        Assert.False(host.Host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>());
        Assert.Equal("[4.*, 5.0.0)", host.Host["extensionBundle"]!["version"]!.GetValue<string>());
        Assert.Equal(("api", 4), (host.RoutePrefix, host.ServiceBus.MaxConcurrentCalls));
        Assert.True(TimeSpan.Parse(host.Host["extensions"]!["serviceBus"]!["maxAutoLockRenewalDuration"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= host.FunctionTimeout);
    }
}
