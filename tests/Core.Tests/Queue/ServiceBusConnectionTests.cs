using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SfSync.Queue.ServiceBus;

namespace SfSync.Tests.Queue;

/// <summary>The Service Bus client is built from the trigger's connection setting, in either form, and start-up says what is missing.</summary>
public sealed class ServiceBusConnectionTests
{
    [Fact]
    public async Task A_connection_string_and_a_namespace_with_a_managed_identity_both_build_the_client()
    {
        var local = Configuration(("ServiceBusConnection", "Endpoint=sb://127.0.0.1:5999;SharedAccessKeyName=k;SharedAccessKey=s;UseDevelopmentEmulator=true"));
        var azure = Configuration(("ServiceBusConnection:fullyQualifiedNamespace", "sync-ns.servicebus.windows.net"), ("ServiceBusConnection:clientId", "00000000-0000-0000-0000-000000000001"));

        await using var fromString = ServiceBusConnection.Create(local, "ServiceBusConnection");
        await using var fromIdentity = ServiceBusConnection.Create(azure, "ServiceBusConnection");

        Assert.Equal("127.0.0.1", fromString.FullyQualifiedNamespace);
        Assert.Equal("sync-ns.servicebus.windows.net", fromIdentity.FullyQualifiedNamespace);
    }

    [Fact]
    public void Start_up_refuses_a_missing_connection_and_names_both_settings()
    {
        using var services = new ServiceCollection().AddSingleton(Configuration()).AddServiceBusQueue().BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ServiceBusQueueOptions>>().Value);

        Assert.Contains("'ServiceBusConnection'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceBusConnection__fullyQualifiedNamespace", refused.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
