using SfSync.Mapping;
using SfSync.Merge;
using SfSync.Model;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Merge;

public class RecordMergeTests
{
    private static readonly EntityMap Accounts = SyncMap.Default.For(EntityKind.Account);
    private static readonly EntityMap Contacts = SyncMap.Default.For(EntityKind.Contact);

    [Fact]
    public void Identical_records_produce_no_write_on_either_side()
    {
        var merge = RecordMerge.Of(
            Accounts,
            Fields.Of(("Name", "Acme"), ("Phone", "555-0100"), ("BillingCity", "Berlin")),
            Fields.Of(("name", "Acme "), ("phone_number", "555-0100"), ("city", "Berlin")),
            null);

        Assert.True(merge.IsNoOp);
        Assert.Equal("Acme", merge.NewBase["name"]);
    }

    [Fact]
    public void Trade_show_A_against_Search_Terms_keeps_Salesforce_and_records_the_lost_app_value()
    {
        var merge = RecordMerge.Of(Accounts, Fields.Of(("Name", "Acme"), ("Description", "Trade show A")), Fields.Of(("name", "Acme"), ("description", "Search Terms")), null);

        Assert.Empty(merge.SalesforceWrites);
        Assert.Equal("Trade show A", merge.AppWrites["description"]);
        var conflict = Assert.Single(merge.Conflicts);
        Assert.Equal(("description", "Trade show A", "Search Terms"), (conflict.Field, conflict.SalesforceValue, conflict.LostAppValue));
    }

    [Fact]
    public void The_app_state_fills_an_empty_Salesforce_state()
    {
        var merge = RecordMerge.Of(Accounts, Fields.Of(("Name", "Acme"), ("BillingState", null)), Fields.Of(("name", "Acme"), ("state", "CA")), null);

        Assert.Equal(new Dictionary<string, string?> { ["BillingState"] = "CA" }, merge.SalesforceWrites);
        Assert.Empty(merge.AppWrites);
        Assert.Equal(1, merge.BlanksFilled);
    }

    [Fact]
    public void A_changed_app_name_is_split_into_FirstName_and_LastName()
    {
        var merge = RecordMerge.Of(
            Contacts,
            Fields.Of(("FirstName", "Mary"), ("LastName", "Smith"), ("Email", "m@x.io")),
            Fields.Of(("name", "Mary Ann Jones"), ("email", "m@x.io")),
            Fields.Of(("name", "Mary Smith"), ("email", "m@x.io")));

        Assert.Equal("Mary Ann", merge.SalesforceWrites["FirstName"]);
        Assert.Equal("Jones", merge.SalesforceWrites["LastName"]);
        Assert.Equal("Mary Ann Jones", merge.NewBase["name"]);
    }

    [Fact]
    public void A_field_new_to_the_map_has_no_base_so_a_difference_is_a_conflict()
    {
        var merge = RecordMerge.Of(Accounts, Fields.Of(("Name", "Acme"), ("Fax", "1")), Fields.Of(("name", "Acme"), ("fax_number", "2")), Fields.Of(("name", "Acme")));

        Assert.Equal("1", merge.AppWrites["fax_number"]);
        Assert.Single(merge.Conflicts);
    }
}
