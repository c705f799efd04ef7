using System.ComponentModel.DataAnnotations;

namespace SfSync.SampleApp;

/// <summary>The sample app's settings, bound from <c>SampleApp</c>.</summary>
internal sealed class SampleAppOptions
{
    public const string Section = "SampleApp";

    /// <summary>The SQLite file; relative paths are under the content root.</summary>
    [Required]
    public string Database { get; set; } = "sampleapp.db";

    /// <summary>
    /// The key the sync API requires in <c>X-Api-Key</c>. The default is for local runs only and is documented in the
    /// README; any real deployment sets its own.
    /// </summary>
    [Required]
    [MinLength(8)]
    public string ApiKey { get; set; } = "local-dev-key";

    /// <summary>Seeds this many demo companies (DemoSeed) into an empty database; 0 leaves it empty.</summary>
    [Range(0, 100_000)]
    public int Seed { get; set; }
}
