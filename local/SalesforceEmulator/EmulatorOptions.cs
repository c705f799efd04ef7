using System.ComponentModel.DataAnnotations;

namespace SfSync.SalesforceEmulator;

/// <summary>
/// The emulator's settings, bound from <c>Emulator</c>. The credentials are local defaults for demos and tests, printed
/// in the README; a real org's are never configured here.
/// </summary>
internal sealed class EmulatorOptions
{
    public const string Section = "Emulator";

    [Required]
    public string ClientId { get; set; } = "local-client-id";

    [Required]
    public string ClientSecret { get; set; } = "local-client-secret";

    [Required]
    public string Username { get; set; } = "integration@example.com";

    [Required]
    public string Password { get; set; } = "local-password";

    /// <summary>Appended to the password in the username-password flow, as Salesforce's security token is.</summary>
    public string SecurityToken { get; set; } = "local-token";

    /// <summary>
    /// A second user of the org: a person, not the integration. Whoever logs in as this user (password flow) acts as a
    /// human in Salesforce — the records it creates carry its CreatedById, as the seeded demo data does — which is what
    /// lets the sync tell its own creates from people's.
    /// </summary>
    [Required]
    public string PersonUsername { get; set; } = "person@example.com";

    [Required]
    public string PersonPassword { get; set; } = "person-password";

    /// <summary>PEM certificate whose key signs JWT bearer assertions; without it the JWT flow is refused, as in an org without one.</summary>
    public string? JwtCertificatePath { get; set; }

    /// <summary>Rows per query page; Salesforce's default (and maximum) is 2000.</summary>
    [Range(1, 2000)]
    public int PageSize { get; set; } = 2000;

    /// <summary>The org's daily API allocation; a Developer Edition has 15,000.</summary>
    [Range(1, 100_000_000)]
    public long DailyApiLimit { get; set; } = 15_000;

    /// <summary>An access token unused this long is expired (the org's session timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Seeds this many demo companies (DemoSeed) at start-up.</summary>
    [Range(0, 100_000)]
    public int Seed { get; set; }

    /// <summary>Custom fields per object, e.g. <c>Account: [App_Id__c]</c>; fields ending in Id__c are External IDs.</summary>
    public Dictionary<string, List<string>> CustomFields { get; set; } = [];

    /// <summary>Fault and latency injection at start-up; also settable at run time through /__emulator/faults.</summary>
    public EmulatorFaults Faults { get; set; } = new();
}
