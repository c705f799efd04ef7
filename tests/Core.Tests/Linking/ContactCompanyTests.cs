using SfSync.Linking;
using SfSync.Model;

namespace SfSync.Tests.Linking;

/// <summary>Which company name the company-name rule matches for a new app contact, one row per situation.</summary>
public sealed class ContactCompanyTests
{
    private static readonly AppId Customer = AppId.Parse("cust-1");

    [Theory]
    [InlineData("no customer, a company name", false, null, false, false, "Acme", "Acme")]
    [InlineData("no customer, no company name", false, null, false, false, null, null)]
    [InlineData("no customer, a blank company name", false, null, false, false, "  ", null)]
    [InlineData("unlinked customer, a company name: the contact's own wins", true, "Acme Holding", false, false, "Acme", "Acme")]
    [InlineData("unlinked customer, no company name: the customer's name", true, "Acme Holding", false, false, null, "Acme Holding")]
    [InlineData("customer flagged sync_disabled, a company name", true, "Acme Holding", false, true, "Acme", "Acme")]
    [InlineData("customer flagged sync_disabled, no company name: its name is not used", true, "Acme Holding", false, true, null, null)]
    [InlineData("linked customer: its account wins, no guess", true, "Acme Holding", true, false, "Acme", null)]
    public void The_rule_applies_to_contacts_without_a_linked_customer(string why, bool hasCustomer, string? customerName, bool linked, bool customerDisabled, string? company, string? expected)
    {
        var contact = new AppRecord(AppId.Parse("person-1"), new Dictionary<string, string?>(), null, hasCustomer ? Customer : null, false, DateTimeOffset.UnixEpoch, CompanyName: company);
        var customer = hasCustomer ? new AppRecord(Customer, new Dictionary<string, string?> { ["name"] = customerName }, null, null, customerDisabled, DateTimeOffset.UnixEpoch) : null;

        var name = ContactCompany.NameFor(contact, customer, linked, "name");

        Assert.True(expected == name, $"{why}: {name}");
    }
}
