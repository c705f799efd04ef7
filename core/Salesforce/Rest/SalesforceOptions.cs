using System.ComponentModel.DataAnnotations;
using SfSync.Http;

namespace SfSync.Salesforce.Rest;

/// <summary>How to reach and authenticate with the org, bound from <c>Salesforce</c>. Secrets come from Key Vault references.</summary>
internal sealed class SalesforceOptions : HttpTimeoutOptions
{
    public const string Section = "Salesforce";

    /// <summary>https://login.salesforce.com (production), https://test.salesforce.com (sandbox) or the org's My Domain.</summary>
    [Required]
    public Uri? LoginUrl { get; set; } = new("https://login.salesforce.com");

    /// <summary>The REST API version, e.g. v62.0.</summary>
    [Required]
    [RegularExpression(@"^v\d{2}\.\d$")]
    public string ApiVersion { get; set; } = "v62.0";

    /// <summary>
    /// How long a Composite request waits for the subrequests of other batches being applied at the same time to join it
    /// (up to five queries or Collections, one API call). 50 ms against calls of hundreds; 0 sends every request alone.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan CompositeCoalescingWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    public SalesforceAuthFlow AuthFlow { get; set; } = SalesforceAuthFlow.JwtBearer;

    [Required]
    public string ClientId { get; set; } = "";

    public string? ClientSecret { get; set; }

    /// <summary>The integration user (JWT subject; username for the password flow).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? SecurityToken { get; set; }

    public string? RefreshToken { get; set; }

    /// <summary>The JWT signing certificate with its private key: a PEM (certificate + key) or PFX, base64-encoded (Key Vault secret).</summary>
    public string? JwtCertificate { get; set; }

    /// <summary>The JWT audience; defaults to the login URL (login or test.salesforce.com).</summary>
    public string? JwtAudience { get; set; }

    /// <summary>An External ID text field on Account and Contact holding the app id (e.g. App_Id__c); creates then become upserts, so a retried create can never duplicate.</summary>
    [RegularExpression("^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$")]
    public string? ExternalIdField { get; set; }
}
