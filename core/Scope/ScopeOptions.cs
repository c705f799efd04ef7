using System.ComponentModel.DataAnnotations;
using SfSync.Model;

namespace SfSync.Scope;

/// <summary>Which records are synced, per entity (docs/scope.md). Nothing set: every record, as before scopes existed.</summary>
internal sealed class ScopeOptions
{
    public const string Section = "Sync:Scope";

    public EntityScopeOptions Account { get; set; } = new();

    public EntityScopeOptions Contact { get; set; } = new();

    /// <summary>How long a list view's filter is used before its describe is read again (one small call). An hour: a
    /// list view edited in Salesforce is followed within the hour, at 24 calls a day at most per list view.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ListViewRefresh { get; set; } = TimeSpan.FromHours(1);

    public EntityScopeOptions For(EntityKind entity) => entity == EntityKind.Account ? Account : Contact;
}

/// <summary>One entity's scope: a Salesforce filter or a list view (not both), and an app filter; each optional.</summary>
internal sealed class EntityScopeOptions
{
    /// <summary>A filter over the object's mapped Salesforce fields (and OwnerId), in the grammar of docs/scope.md.</summary>
    public string? Salesforce { get; set; }

    /// <summary>A list view of the object, by id (00B…) or developer name; its filter is read from its describe.</summary>
    public string? SalesforceListView { get; set; }

    /// <summary>A filter over the app record's mapped fields, same grammar.</summary>
    public string? App { get; set; }

    public bool HasSalesforceScope => !string.IsNullOrWhiteSpace(Salesforce) || !string.IsNullOrWhiteSpace(SalesforceListView);
}
