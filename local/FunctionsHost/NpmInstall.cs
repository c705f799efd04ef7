using System.Diagnostics;

namespace SfSync.FunctionsHost;

/// <summary>
/// Installs a folder's pinned npm packages (npm ci against the committed lockfile) once, even when several processes
/// (test fixtures, the local run) ask at the same time: npm ci empties node_modules first, so two at once break each other.
/// </summary>
internal static class NpmInstall
{
    public static async Task EnsureAsync(string directory, Action<string>? output = null, CancellationToken cancellationToken = default)
    {
        // Written only after npm ci succeeded, so a half-extracted node_modules never counts as installed.
        var marker = Path.Combine(directory, "node_modules", ".sfsync-installed");
        var lockfile = await File.ReadAllTextAsync(Path.Combine(directory, "package-lock.json"), cancellationToken);
        var stamp = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(lockfile)));
        if (File.Exists(marker) && await File.ReadAllTextAsync(marker, cancellationToken) == stamp)
        {
            return;
        }

        using var gate = await LockAsync(Path.Combine(directory, ".npm-install.lock"), cancellationToken);
        if (File.Exists(marker) && await File.ReadAllTextAsync(marker, cancellationToken) == stamp)
        {
            return; // another process installed it while we waited
        }

        output?.Invoke($"installing npm packages in {directory} (npm ci, pinned by package-lock.json)...");
        var info = new ProcessStartInfo("npm") { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--ignore-scripts" })
        {
            info.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(info) ?? throw new InvalidOperationException("Could not start npm.");
        var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
        await npm.StandardOutput.ReadToEndAsync(cancellationToken);
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed in {directory}: {await stderr}");
        }

        await File.WriteAllTextAsync(marker, stamp, cancellationToken);
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }
}
