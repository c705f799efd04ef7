using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SfSync.FunctionsHost;

/// <summary>
/// Starts the custom handler as the host does — on a free loopback port passed in FUNCTIONS_CUSTOMHANDLER_PORT, with every
/// app setting in its environment — waits until GET / answers, and starts it again if it dies.
/// </summary>
internal sealed class HandlerProcess(string command, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> settings, Action<string> output) : IAsyncDisposable
{
    private Process? _process;
    private bool _stopping;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    private CancellationToken _running;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _running = cancellationToken;
        var port = FreePort();
        var info = new ProcessStartInfo(command) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        info.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = Guid.NewGuid().ToString();
        info.Environment["FUNCTIONS_APP_ROOT_PATH"] = workingDirectory;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command}.");
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { output("handler: " + line); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { output("handler: " + line); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += async (_, _) =>
        {
            // On Ctrl+C the handler, sharing the console, may exit a moment before the run sees the signal.
            await Task.Delay(500, CancellationToken.None);
            if (!_stopping && !_running.IsCancellationRequested)
            {
                output($"handler exited with code {process.ExitCode}; starting it again");
                try
                {
                    await StartAsync(_running);
                }
                catch (OperationCanceledException)
                {
                    // the run is stopping
                }
            }
        };
        _process = process;
        Ready = false;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync(BaseUrl, cancellationToken);
                Ready = true;
                return; // any answer counts, as for the real host
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Kills the handler as a crash would; it is started again like after any crash.</summary>
    public void Crash()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public bool Ready { get; private set; }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
