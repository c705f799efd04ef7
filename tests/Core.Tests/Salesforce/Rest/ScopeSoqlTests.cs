using SfSync.Salesforce.Rest;
using SfSync.Scope;

namespace SfSync.Tests.Salesforce.Rest;

/// <summary>A filter reaches SOQL only through <see cref="Soql"/>'s escaping: no value can end its literal.</summary>
public class ScopeSoqlTests
{
    [Theory]
    [InlineData("a = 'x' or b in (1, 2.50) and not c like 'x\\%y%'", "(a = 'x' OR (b IN (1, 2.5) AND (NOT c LIKE 'x\\%y%')))")]
    [InlineData("Phone <> null", "Phone != null")]
    [InlineData("Active = TRUE", "Active = true")]
    [InlineData("C NOT IN ('DE')", "C NOT IN ('DE')")]
    public void Renders_one_canonical_spelling(string filter, string soql) =>
        Assert.Equal(soql, ScopeSoql.Render(ScopeParser.Parse(filter)));

    [Theory]
    [InlineData(@"Name = 'x\' OR Name != \'y'", @"Name = 'x\' OR Name != \'y'")]
    [InlineData(@"Name = 'a\\'", @"Name = 'a\\'")]
    [InlineData("Name = 'line\nbreak'", @"Name = 'line\nbreak'")]
    [InlineData(@"Name LIKE '50\%_'", @"Name LIKE '50\%_'")]
    public void A_value_stays_inside_its_literal(string filter, string soql) =>
        Assert.Equal(soql, ScopeSoql.Render(ScopeParser.Parse(filter)));

    [Fact]
    public void A_literal_percent_in_a_LIKE_text_part_is_escaped_never_a_wildcard()
    {
        var like = new ScopeLike("Name", new LikePattern([new LikePart(LikePartKind.Text, "100%' OR Name != '"), new LikePart(LikePartKind.AnyRun)]));

        Assert.Equal(@"Name LIKE '100\%\' OR Name != \'%'", ScopeSoql.Render(like));
    }

    [Fact]
    public void A_field_that_is_no_API_name_is_refused() =>
        Assert.Throws<ArgumentException>(() => ScopeSoql.Render(new ScopeComparison("Name) OR (Id", ScopeOperator.Equal, ScopeLiteral.Null)));
}
