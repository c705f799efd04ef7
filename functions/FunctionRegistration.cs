using SfSync.Functions.Invocation;
using SfSync.Sweeping;

namespace SfSync.Functions;

internal static class FunctionRegistration
{
    /// <summary>Every function of the app; each has a folder with its function.json of the same name. The core services
    /// only functions use are registered here: they need every port, which the engine alone does not.</summary>
    public static IServiceCollection AddFunctions(this IServiceCollection services) => services
        .AddSingleton<InvocationRunner>()
        .AddSingleton<SfSync.Health.HealthCheck>()
        .AddSingleton<IFunction, SyncTimer>()
        .AddSingleton<IFunction, ApplyBatch>()
        .AddSingleton<IFunction, StartSync>()
        .AddSingleton<IFunction, Resync>()
        .AddSingleton<IFunction, SyncRecord>()
        .AddSingleton<IFunction, ListRuns>()
        .AddSingleton<IFunction, GetRun>()
        .AddSingleton<IFunction, RecordStatus>()
        .AddSingleton<IFunction, ImportLinks>()
        .AddSingleton<IFunction, ListDeadLetters>()
        .AddSingleton<IFunction, ListDuplicates>()
        .AddSingleton<IFunction, ReplayDeadLetters>()
        .AddSingleton<IFunction, Health>()
        .AddSingleton<IFunction, Dashboard.Dashboard>()
        .AddDriftSweep()
        .AddSingleton<IFunction, SweepTimer>()
        .AddSingleton<IFunction, StartSweep>();
}
