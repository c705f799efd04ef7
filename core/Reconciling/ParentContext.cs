using SfSync.Model;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// What a round read about parents and children besides its own records: for contacts, their customers and the
/// customers' account links, and the accounts the company-name rule may pick; for accounts that are not linked yet,
/// their contacts on both sides with the contacts' links (they come back with a re-created customer, and follow a newly
/// linked one).
/// </summary>
/// <param name="Customers">The live customers the contacts point at.</param>
/// <param name="DeletedCustomers">Those that are deleted, by the change sequence of their deletion: a contact deleted
/// at or after that is one the app deleted with its customer.</param>
internal sealed record ParentContext(
    IReadOnlyDictionary<AppId, AppRecord> Customers,
    IReadOnlyDictionary<AppId, long> DeletedCustomers,
    IReadOnlyDictionary<AppId, Link> AccountLinksByApp,
    IReadOnlyDictionary<SalesforceId, Link> AccountLinksBySalesforce,
    IReadOnlyList<SalesforceRecord> Accounts,
    IReadOnlyList<SalesforceRecord> ContactsOfAccounts,
    IReadOnlyList<AppRecord> ContactsOfCustomers,
    IReadOnlyList<Link> ChildLinks,
    string CustomerNameField)
{
    public static ParentContext Empty(string customerNameField) => new(
        new Dictionary<AppId, AppRecord>(),
        new Dictionary<AppId, long>(),
        new Dictionary<AppId, Link>(),
        new Dictionary<SalesforceId, Link>(),
        [],
        [],
        [],
        [],
        customerNameField);

    /// <summary>The account a customer is linked to, if its link is active.</summary>
    public SalesforceId? AccountOf(AppId customer) =>
        AccountLinksByApp.TryGetValue(customer, out var link) && link.State == LinkState.Active ? link.SalesforceId : null;

    /// <summary>The customer an account is linked to, if its link is active.</summary>
    public AppId? CustomerOf(SalesforceId account) =>
        AccountLinksBySalesforce.TryGetValue(account, out var link) && link.State == LinkState.Active ? link.AppId : null;

    /// <summary>Whether a contact under this account is worth coming back for until the account has a customer: not when
    /// the account's customer was deleted in the app and the account kept — it comes back only when the account changes
    /// (§5), and then brings the account's contacts with it.</summary>
    public bool CustomerMayCome(SalesforceId account) =>
        !(AccountLinksBySalesforce.TryGetValue(account, out var link) && link.State == LinkState.DeletedInApp);
}
