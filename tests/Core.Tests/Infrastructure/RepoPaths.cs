namespace SfSync.Tests.Infrastructure;

internal static class RepoPaths
{
    public static string Root { get; } = Find();

    /// <summary>The build configuration the tests run in, so a started process is the one built alongside them.</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built assembly of a project of this repository (e.g. local/SampleApp, SfSync.SampleApp.dll).</summary>
    public static string Built(string project, string assembly) => Path.Combine(Root, project, "bin", Configuration, "net10.0", assembly);

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Serverless.sln not found above the test binaries.");
    }
}
