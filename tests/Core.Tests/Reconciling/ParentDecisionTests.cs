using SfSync.Model;
using SfSync.Reconciling;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>When a contact whose parent Salesforce decides has no customer yet comes back to follow it.</summary>
public class ParentDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly SalesforceId Linked = SalesforceId.Parse("001000000000008AAA");
    private static readonly SalesforceId Chosen = SalesforceId.Parse("001000000000002AAA");
    private static readonly AppId Customer = AppId.Parse("cust-1");
    private static readonly AppId Gone = AppId.Parse("cust-2");

    [Theory]
    [InlineData("", true)] // the account's own batch may be linking it right now
    [InlineData(nameof(LinkState.PendingCreateInApp), true)] // its customer is being created
    [InlineData(nameof(LinkState.DeletedInApp), false)] // seed 374757: comes back only when the account changes, with its contacts
    public void A_contact_Salesforce_puts_under_an_account_without_a_customer_waits_for_it_unless_that_customer_was_deleted(string chosenLink, bool waits)
    {
        var salesforce = new SalesforceRecord(SalesforceId.Parse("003000000000003AAA"), Fields.Of(("LastName", "Turing")), Chosen, T0, T0);
        var app = new AppRecord(AppId.Parse("cont-3"), Fields.Of(("name", "Alan Turing")), salesforce.Id, Customer, false, T0, 15);
        var links = new List<Link> { new(EntityKind.Account, Linked, Customer, LinkState.Active, Fields.Of(("name", "Acme")), null, T0, 14, T0, T0) };
        if (Enum.TryParse<LinkState>(chosenLink, out var state))
        {
            links.Add(new Link(EntityKind.Account, Chosen, state == LinkState.DeletedInApp ? Gone : null, state, null, null, T0, 0, T0, null));
        }

        var parents = ParentContext.Empty("name") with
        {
            Customers = new Dictionary<AppId, AppRecord> { [Customer] = new(Customer, Fields.Of(("name", "Acme")), Linked, null, false, T0, 14) },
            AccountLinksByApp = links.Where(l => l.AppId is not null).ToDictionary(l => l.AppId!.Value),
            AccountLinksBySalesforce = links.ToDictionary(l => l.SalesforceId!.Value),
        };

        // No agreed parent yet: Salesforce's account wins (§4), but the app cannot follow it until it has a customer.
        var decision = ParentDecision.For(salesforce, app, Fields.Of(("name", "Alan Turing")), parents);

        Assert.Null(decision.AppCustomer);
        Assert.Equal(waits, decision.WaitsForParent);
    }
}
