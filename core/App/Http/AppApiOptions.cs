using System.ComponentModel.DataAnnotations;
using SfSync.Http;

namespace SfSync.App.Http;

/// <summary>How to reach the app's sync API, bound from <c>App</c>.</summary>
internal sealed class AppApiOptions : HttpTimeoutOptions
{
    public const string Section = "App";

    /// <summary>The app's base address; the contract's paths start at /sync/v1.</summary>
    [Required]
    public Uri? BaseUrl { get; set; }

    /// <summary>Sent as X-Api-Key. From Key Vault in Azure; never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Instead of a key: an Entra ID scope (api://the-app/.default); the token comes from the managed identity.</summary>
    public string? Scope { get; set; }

    /// <summary>The user-assigned identity to request the token with; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Changes read per page of the app's feed; the contract allows up to 2000.</summary>
    [Range(1, 2000)]
    public int ChangePageSize { get; set; } = 1000;
}
