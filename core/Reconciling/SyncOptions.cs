using System.ComponentModel.DataAnnotations;
using SfSync.Linking;

namespace SfSync.Reconciling;

internal enum AccountMatching
{
    /// <summary>Unlinked accounts and customers are created on the other side, even if the same name exists there.</summary>
    LeaveDuplicates,

    /// <summary>On first sync an unlinked record links to the other side's record with exactly the same name (earliest created).</summary>
    ExactName,
}

/// <summary>How records are matched and created, bound from <c>Sync</c>.</summary>
internal sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>200: the sObject Collections limit, so one batch is one write request per operation.</summary>
    [Range(1, 200)]
    public int BatchSize { get; set; } = 200;

    public AccountMatching AccountMatching { get; set; } = AccountMatching.LeaveDuplicates;

    /// <summary>Report by default: a second app contact with the same e-mail is the duplicate people complain about.</summary>
    [EnumDataType(typeof(DuplicateHandling))]
    public DuplicateHandling Duplicates { get; set; } = DuplicateHandling.Report;

    /// <summary>OwnerId for accounts created from the app (a User id, 005…); the integration user owns them when empty.</summary>
    [RegularExpression("^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$")]
    public string? DefaultAccountOwnerId { get; set; }

    /// <summary>How often one batch re-reconciles keys that lost an ETag race before reporting them; 3 covers two racing batches.</summary>
    [Range(1, 10)]
    public int RaceAttempts { get; set; } = 3;
}
