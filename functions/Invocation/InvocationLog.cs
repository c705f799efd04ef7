using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SfSync.Functions.Invocation;

/// <summary>
/// Collects what the engine logs during one invocation so it can travel back in the response's <c>Logs</c>: the host
/// writes those lines under the invocation in Application Insights, where operators look. Flows with the async context.
/// </summary>
internal sealed class InvocationLog : ILoggerProvider
{
    private static readonly AsyncLocal<ConcurrentQueue<string>?> Current = new();

    public static IDisposable Begin(out ConcurrentQueue<string> lines)
    {
        lines = new ConcurrentQueue<string>();
        Current.Value = lines;
        return new Scope();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => Current.Value = null;
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && Current.Value is not null && category.StartsWith("SfSync", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Current.Value!.Enqueue($"{logLevel}: {SfSync.Telemetry.EmailMask.Mask(formatter(state, exception))}");
            }
        }
    }
}
