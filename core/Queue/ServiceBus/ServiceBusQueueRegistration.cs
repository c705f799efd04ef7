using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SfSync.Queue.ServiceBus;

internal static class ServiceBusQueueRegistration
{
    /// <summary>Registers the sync-batches queue on Service Bus: one client and one sender for the process, and the dead-letter receiver.</summary>
    public static IServiceCollection AddServiceBusQueue(this IServiceCollection services)
    {
        services.AddOptions<ServiceBusQueueOptions>().BindConfiguration(ServiceBusQueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceBusQueueOptions>, ServiceBusQueueOptionsValidator>();
        services.AddSingleton(sp => ServiceBusConnection.Create(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<ServiceBusQueueOptions>>().Value.Connection));
        services.AddSingleton(sp => sp.GetRequiredService<ServiceBusClient>().CreateSender(sp.GetRequiredService<IOptions<ServiceBusQueueOptions>>().Value.QueueName));
        services.AddSingleton<IBatchQueue>(sp => new ServiceBusBatchQueue(sp.GetRequiredService<ServiceBusSender>()));
        services.AddSingleton<IDeadLetterQueue>(sp => new ServiceBusDeadLetterQueue(sp.GetRequiredService<ServiceBusClient>().CreateReceiver(
            sp.GetRequiredService<IOptions<ServiceBusQueueOptions>>().Value.QueueName,
            new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock })));
        return services;
    }

    private sealed class ServiceBusQueueOptionsValidator(IConfiguration configuration) : IValidateOptions<ServiceBusQueueOptions>
    {
        public ValidateOptionsResult Validate(string? name, ServiceBusQueueOptions options) =>
            ServiceBusConnection.IsConfigured(configuration, options.Connection)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(ServiceBusConnection.Missing(options.Connection));
    }
}
