using System.ComponentModel.DataAnnotations;

namespace SfSync.State.Tables;

/// <summary>Where the sync state lives, bound from <c>Sync:State</c>.</summary>
internal sealed class TableStateOptions
{
    public const string Section = "Sync:State";

    /// <summary>
    /// The name of the connection setting, following the Functions convention: <c>SyncState</c> holds a connection
    /// string (Azurite, local), or <c>SyncState__tableServiceUri</c> (+ <c>SyncState__clientId</c> for a user-assigned
    /// identity) an account endpoint reached with a managed identity.
    /// </summary>
    [Required]
    public string Connection { get; set; } = "SyncState";

    /// <summary>Prefixes every table name, so several deployments (or test runs) can share an account.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,40}$")]
    public string TablePrefix { get; set; } = "Sync";

    /// <summary>Run history older than this is removed as new runs start: 30 days answers "what happened last month".</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan RunRetention { get; set; } = TimeSpan.FromDays(30);
}
