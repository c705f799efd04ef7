using SfSync.App;
using SfSync.Model;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>One record as the reconciler assembles it: its link, both sides' current versions and what to do.</summary>
internal sealed class RecordPair(RecordKey key)
{
    public RecordKey Key { get; } = key;

    public Link? Link { get; set; }

    public SalesforceId? SalesforceId { get; set; }

    public AppId? AppId { get; set; }

    public SalesforceRecord? Salesforce { get; set; }

    public AppRecord? App { get; set; }

    public string? Warning { get; set; }

    // What the decision step chose.
    public SideOutcome SalesforceOutcome { get; set; } = SideOutcome.Unchanged;

    public SideOutcome AppOutcome { get; set; } = SideOutcome.Unchanged;

    public Dictionary<string, string?>? SalesforceCreate { get; set; }

    public Dictionary<string, string?>? SalesforceUpdate { get; set; }

    public bool DeleteInSalesforce { get; set; }

    public AppUpsert? AppUpsert { get; set; }

    public bool DeleteInApp { get; set; }

    /// <summary>The link to store when the writes succeed (null with <see cref="RemoveLink"/> removes it).</summary>
    public Link? NextLink { get; set; }

    public bool RemoveLink { get; set; }

    public bool Raced { get; set; }

    public bool NeedsFollowUp { get; set; }

    public IReadOnlyList<Merge.FieldConflict> Conflicts { get; set; } = [];

    public int BlanksFilled { get; set; }

    public bool SalesforceGone => Salesforce is null || Salesforce.IsDeleted;

    public bool Settled => SalesforceOutcome.Kind is OutcomeKind.Failed or OutcomeKind.Skipped
        || AppOutcome.Kind is OutcomeKind.Failed or OutcomeKind.Skipped;

    public RecordOutcome ToOutcome(EntityKind entity) =>
        new(entity, SalesforceId, AppId, SalesforceOutcome, AppOutcome, Conflicts, BlanksFilled, Warning);
}
