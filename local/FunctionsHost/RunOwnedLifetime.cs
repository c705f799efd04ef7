namespace SfSync.FunctionsHost;

/// <summary>
/// The web host's lifetime when the local run owns the signals: the default console lifetime would take SIGINT and
/// SIGTERM for itself and stop only the web host, leaving the stand-ins and the timers running.
/// </summary>
internal sealed class RunOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
