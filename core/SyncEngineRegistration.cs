using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SfSync.Deletion;
using SfSync.Linking;
using SfSync.Mapping;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Reconciling;
using SfSync.Runs;

namespace SfSync;

internal static class SyncEngineRegistration
{
    /// <summary>
    /// Registers the engine (planner, reconciler, batch applier) and binds and validates its options at start-up.
    /// The ports (Salesforce, app, state, queue) are registered by their adapters.
    /// </summary>
    public static IServiceCollection AddSyncEngine(this IServiceCollection services)
    {
        services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PlanningOptions>().BindConfiguration(PlanningOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeletionOptions>().BindConfiguration(DeletionOptions.Section).ValidateOnStart();
        services.AddOptions<MappingOptions>().BindConfiguration(MappingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MappingOptions>, MappingOptionsValidator>();
        services.AddSingleton<IValidateOptions<PlanningOptions>, PlanningOptionsValidator>();
        services.AddOptions<Scope.ScopeOptions>().BindConfiguration(Scope.ScopeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<Scope.ScopeOptions>, Scope.ScopeOptionsValidator>();
        services.AddSingleton<Scope.ScopeResolver>();
        services.AddSingleton<Scope.ScopeWatch>();
        services.AddSingleton(sp => SyncMap.Build(sp.GetRequiredService<IOptions<MappingOptions>>().Value));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RunLedger>();
        services.AddSingleton<RejectedMessage>();
        services.AddSingleton<Planner>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<BatchApplier>();
        services.AddSingleton<LinkImporter>();
        services.AddSingleton<OpenDuplicates>();
        services.AddSingleton<DeadLetterReplay>();
        return services;
    }
}
