using SfSync.Mapping;
using SfSync.Model;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>What one reconcile round knows besides its pairs: the entity, its map, and the parents it looked up.</summary>
internal sealed class BatchContext(EntityKind entity, EntityMap map, bool full, string customerNameField)
{
    public EntityKind Entity { get; } = entity;

    public EntityMap Map { get; } = map;

    public bool Full { get; } = full;

    /// <summary>The app field holding a customer's name, for the company-name rule.</summary>
    public string CustomerNameField { get; } = customerNameField;

    public static IReadOnlyDictionary<string, string?> EmptyFields { get; } = new Dictionary<string, string?>();

    public Dictionary<AppId, AppRecord> CustomersById { get; } = [];

    public Dictionary<AppId, Link> AccountLinksByApp { get; } = [];

    public Dictionary<SalesforceId, Link> AccountLinksBySalesforce { get; } = [];

    public IReadOnlyList<SalesforceRecord> SalesforceAccounts { get; set; } = [];

    public IReadOnlyList<SalesforceRecord> SalesforceContacts { get; set; } = [];

    public List<FollowUp> FollowUps { get; } = [];

    public void AddAccountLinks(IEnumerable<Link> accountLinks)
    {
        foreach (var link in accountLinks)
        {
            if (link.AppId is { } appId)
            {
                AccountLinksByApp[appId] = link;
            }

            if (link.SalesforceId is { } salesforceId)
            {
                AccountLinksBySalesforce[salesforceId] = link;
            }
        }
    }
}
