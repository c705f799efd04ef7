using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Dashboard;

/// <summary>
/// Debian's Chromium for the browser tests: the test run installs the package when it is missing (CI runs as root on a
/// fresh machine), so no browser is ever downloaded by npm. <c>SFSYNC_TEST_CHROMIUM</c> names another executable.
/// </summary>
internal static class Chromium
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<string> EnsureAsync()
    {
        if (Environment.GetEnvironmentVariable("SFSYNC_TEST_CHROMIUM") is { Length: > 0 } configured)
        {
            return configured;
        }

        const string path = "/usr/bin/chromium";
        await Gate.WaitAsync();
        try
        {
            if (!File.Exists(path))
            {
                var output = "";
                foreach (var args in new[] { new[] { "install", "-y", "-q", "chromium" }, ["update", "-q"], ["install", "-y", "-q", "chromium"] })
                {
                    using var apt = ChildProcess.Start("apt-get", args, RepoPaths.Root, new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" });
                    await apt.WaitForExitAsync(TimeSpan.FromMinutes(10));
                    output = apt.Output;
                    if (File.Exists(path))
                    {
                        break;
                    }
                }

                Assert.True(File.Exists(path), "Could not install Debian's chromium with apt-get (the browser tests need root, or SFSYNC_TEST_CHROMIUM): " + output[^Math.Min(output.Length, 2000)..]);
            }

            return path;
        }
        finally
        {
            Gate.Release();
        }
    }
}
