using SfSync.Mapping;
using SfSync.Merge;

namespace SfSync.Tests.Merge;

public class FieldMergeTests
{
    /// <summary>Exactly one row per case of the conflict table (architecture brief §4).</summary>
    public static TheoryData<MergeCase, string?, string?, string?, bool, string?> ConflictTable => new()
    {
        // case                      s              a              b             hasBase  agreed value
        { MergeCase.Identical,         "Acme",        "Acme",        "Old",        true,  "Acme" },
        { MergeCase.FillSalesforce,    null,          "Berlin",      null,         false, "Berlin" },
        { MergeCase.FillApp,           "555-0100",    "",            null,         false, "555-0100" },
        { MergeCase.AppChanged,        "Old",         "New in app",  "Old",        true,  "New in app" },
        { MergeCase.SalesforceChanged, "New in SF",   "Old",         "Old",        true,  "New in SF" },
        { MergeCase.SalesforceWins,    "Trade show A", "Search Terms", null,       false, "Trade show A" },
    };

    [Theory]
    [MemberData(nameof(ConflictTable))]
    public void Each_row_of_the_conflict_table_decides_as_documented(MergeCase expected, string? s, string? a, string? b, bool hasBase, string? value)
    {
        var decision = FieldMerge.Decide(s, a, b, hasBase, FieldComparison.Text);

        Assert.Equal(expected, decision.Case);
        Assert.Equal(value, decision.Value);
    }

    [Fact]
    public void Every_merge_case_has_a_row_in_the_table() =>
        Assert.Equal(Enum.GetValues<MergeCase>().Order(), ConflictTable.Select(row => (MergeCase)row[0]).Order());

    [Fact]
    public void Both_sides_changed_since_the_base_is_a_conflict_that_Salesforce_wins()
    {
        var decision = FieldMerge.Decide("SF edit", "App edit", "Original", hasBase: true, FieldComparison.Text);

        Assert.Equal(MergeCase.SalesforceWins, decision.Case);
        Assert.True(decision.WritesApp);
        Assert.False(decision.WritesSalesforce);
    }

    [Theory]
    [InlineData(null, "value")]
    [InlineData("", "value")]
    [InlineData("   ", "value")]
    [InlineData("value", null)]
    [InlineData("value", "\t ")]
    public void A_blank_never_overwrites_a_value(string? s, string? a)
    {
        // Even when the base says the blank side is the one that changed, the blank is filled rather than copied.
        var decision = FieldMerge.Decide(s, a, "value", hasBase: true, FieldComparison.Text);

        Assert.Equal("value", decision.Value);
        Assert.True(decision.FillsBlank);
    }

    [Fact]
    public void Emails_compare_case_insensitively()
    {
        var decision = FieldMerge.Decide("Jane.Doe@Example.com", "jane.doe@example.com", null, hasBase: false, FieldComparison.Email);

        Assert.Equal(MergeCase.Identical, decision.Case);
        Assert.False(decision.WritesApp || decision.WritesSalesforce);
    }

    [Fact]
    public void Text_compares_case_sensitively_so_a_case_fix_propagates()
    {
        var decision = FieldMerge.Decide("ACME", "Acme", "ACME", hasBase: true, FieldComparison.Text);

        Assert.Equal(MergeCase.AppChanged, decision.Case);
        Assert.Equal("Acme", decision.Value);
    }

    [Theory]
    [InlineData("  Acme  ", "Acme")]
    [InlineData("Acme", "Acme\n")]
    public void Values_are_compared_after_trimming(string s, string a) =>
        Assert.Equal(MergeCase.Identical, FieldMerge.Decide(s, a, null, hasBase: false, FieldComparison.Text).Case);

    [Fact]
    public void Whitespace_only_on_both_sides_is_identical_and_blank()
    {
        var decision = FieldMerge.Decide("  ", null, null, hasBase: false, FieldComparison.Text);

        Assert.Equal(MergeCase.Identical, decision.Case);
        Assert.Null(decision.Value);
    }
}
