using SfSync.Scope;

namespace SfSync.Tests.Scope;

/// <summary>A list view's filter is taken from the WHERE of its describe's query, with the scope grammar, or refused.</summary>
public class ListViewFilterTests
{
    [Fact]
    public void The_WHERE_between_FROM_and_ORDER_BY_is_parsed_with_the_scope_grammar()
    {
        var filter = ListViewFilter.Parse("SELECT Name, Id FROM Account WHERE BillingCountry = 'Germany' AND Name LIKE 'A%' ORDER BY Name ASC NULLS FIRST, Id ASC NULLS FIRST", "everything");

        Assert.Equal(ScopeParser.Parse("BillingCountry = 'Germany' AND Name LIKE 'A%'"), filter);
    }

    [Fact]
    public void Keywords_inside_a_string_literal_do_not_end_the_WHERE()
    {
        var filter = ListViewFilter.Parse("SELECT Id FROM Account WHERE Name = 'x ORDER BY y' LIMIT 10", "everything");

        Assert.Equal(ScopeParser.Parse("Name = 'x ORDER BY y'"), filter);
    }

    [Fact]
    public void A_list_view_without_a_WHERE_is_every_record() =>
        Assert.Null(ListViewFilter.Parse("SELECT Name, Owner.Alias, Id FROM Account ORDER BY Name ASC NULLS FIRST", "everything"));

    [Theory]
    [InlineData("SELECT Id FROM Account USING SCOPE mine ORDER BY Name", null, "USING SCOPE")]
    [InlineData("SELECT Id FROM Account ORDER BY Name", "mine", "scope is 'mine'")]
    [InlineData("SELECT Id FROM Account WHERE CreatedDate = THIS_WEEK ORDER BY Name", "everything", "date literals")]
    [InlineData("SELECT Id FROM Account WHERE Owner.Alias = 'x'", "everything", "relationship field")]
    public void A_list_view_the_grammar_cannot_hold_is_refused_with_the_reason(string query, string? scope, string reason) =>
        Assert.Contains(reason, Assert.Throws<ScopeSyntaxException>(() => ListViewFilter.Parse(query, scope)).Message, StringComparison.Ordinal);
}
