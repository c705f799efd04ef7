using SfSync.Model;

namespace SfSync.Deletion;

internal enum DeletionAction
{
    /// <summary>Delete the record on the other side too.</summary>
    Propagate,

    /// <summary>Keep the other side's record; if it changes later (or on a full re-sync) the deleted one is re-created. An
    /// app contact deleted on its own is re-created from Salesforce by the next sync, as SmartCloud does.</summary>
    Keep,
}

internal sealed class EntityDeletionOptions
{
    public DeletionAction WhenDeletedInSalesforce { get; set; } = DeletionAction.Propagate;

    public DeletionAction WhenDeletedInApp { get; set; } = DeletionAction.Propagate;
}

/// <summary>Deletion policy per entity and direction, bound from <c>Sync:Deletions</c>. Defaults are the brief's §5.</summary>
internal sealed class DeletionOptions
{
    public const string Section = "Sync:Deletions";

    public EntityDeletionOptions Account { get; set; } = new() { WhenDeletedInApp = DeletionAction.Keep };

    public EntityDeletionOptions Contact { get; set; } = new();

    public EntityDeletionOptions For(EntityKind entity) => entity == EntityKind.Account ? Account : Contact;
}
