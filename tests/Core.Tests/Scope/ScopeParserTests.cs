using SfSync.Scope;

namespace SfSync.Tests.Scope;

/// <summary>The filter grammar: what parses into which tree, and where a bad filter goes wrong.</summary>
public class ScopeParserTests
{
    private static ScopeLiteral Str(string text) => new(LiteralKind.String, text);

    [Fact]
    public void AND_binds_tighter_than_OR_and_parentheses_override_it()
    {
        var a = new ScopeComparison("A", ScopeOperator.Equal, Str("1"));
        var b = new ScopeComparison("B", ScopeOperator.Equal, Str("2"));
        var c = new ScopeComparison("C", ScopeOperator.Equal, Str("3"));

        Assert.Equal(new ScopeOr(a, new ScopeAnd(b, c)), ScopeParser.Parse("A = '1' OR B = '2' AND C = '3'"));
        Assert.Equal(new ScopeAnd(new ScopeOr(a, b), c), ScopeParser.Parse("(A = '1' OR B = '2') AND C = '3'"));
    }

    [Theory]
    [InlineData("Phone = '5'", nameof(ScopeOperator.Equal))]
    [InlineData("Phone != '5'", nameof(ScopeOperator.NotEqual))]
    [InlineData("Phone <> '5'", nameof(ScopeOperator.NotEqual))]
    [InlineData("Phone < '5'", nameof(ScopeOperator.Less))]
    [InlineData("Phone <= '5'", nameof(ScopeOperator.LessOrEqual))]
    [InlineData("Phone > '5'", nameof(ScopeOperator.Greater))]
    [InlineData("Phone >= '5'", nameof(ScopeOperator.GreaterOrEqual))]
    public void Every_comparison_operator_parses(string filter, string op) =>
        Assert.Equal(new ScopeComparison("Phone", Enum.Parse<ScopeOperator>(op), Str("5")), ScopeParser.Parse(filter));

    [Fact]
    public void Literals_keywords_and_escapes_parse_as_SOQL_writes_them()
    {
        Assert.Equal(new ScopeComparison("n", ScopeOperator.Greater, new ScopeLiteral(LiteralKind.Number, "-12.5")), ScopeParser.Parse("n > -12.50"));
        Assert.Equal(new ScopeComparison("b", ScopeOperator.Equal, new ScopeLiteral(LiteralKind.Boolean, "true")), ScopeParser.Parse("b = TRUE"));
        Assert.Equal(new ScopeComparison("x", ScopeOperator.NotEqual, ScopeLiteral.Null), ScopeParser.Parse("x != null"));
        Assert.Equal(new ScopeComparison("Name", ScopeOperator.Equal, Str("O'Brien \\ Co")), ScopeParser.Parse(@"Name = 'O\'Brien \\ Co'"));
        Assert.Equal(new ScopeNot(new ScopeIn("C", [Str("DE"), Str("AT")], Negated: true)), ScopeParser.Parse("not C not in ('DE','AT')"));
    }

    [Fact]
    public void A_LIKE_pattern_keeps_its_wildcards_apart_from_escaped_ones()
    {
        var like = Assert.IsType<ScopeLike>(ScopeParser.Parse(@"Name LIKE 'A\%B%_'"));

        Assert.Equal(
            [new LikePart(LikePartKind.Text, "A%B"), new LikePart(LikePartKind.AnyRun), new LikePart(LikePartKind.AnyOne)],
            like.Pattern.Parts);
    }

    [Theory]
    [InlineData("", 1, "empty")]
    [InlineData("Name = ", 8, "expected a value")]
    [InlineData("Name = 'Acme", 8, "not closed")]
    [InlineData("Name = Acme", 8, "strings need quotes")]
    [InlineData("Name == 'x'", 7, "expected a value")]
    [InlineData("(Name = 'x'", 12, "expected ')'")]
    [InlineData("Name = 'x' Phone = '1'", 12, "expected AND, OR")]
    [InlineData("Name IN 'x'", 9, "'(' after IN")]
    [InlineData("Name IN ('x' 'y')", 14, "',' or ')'")]
    [InlineData("Name LIKE 5", 11, "quoted pattern")]
    [InlineData("Owner.Name = 'x'", 1, "relationship field")]
    [InlineData("CreatedDate = TODAY", 15, "date literals")]
    [InlineData("CreatedDate > 2026-01-01", 15, "dates")]
    [InlineData("Name = 'x'; DELETE", 11, "unexpected character ';'")]
    [InlineData("Name = 'a\\qb'", 10, "is not an escape")]
    [InlineData("AND = 'x'", 1, "expected a field name")]
    [InlineData("Name ! 'x'", 6, "'!' must be followed")]
    public void A_bad_filter_names_the_character_where_it_goes_wrong(string filter, int position, string problem)
    {
        var ex = Assert.Throws<ScopeSyntaxException>(() => ScopeParser.Parse(filter));

        Assert.Equal(position, ex.Position);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_lists_every_field_the_filter_reads() =>
        Assert.Equal(["A", "B", "C"], ScopeParser.Parse("A = 1 AND (B LIKE 'x%' OR NOT C IN (1, 2))").Fields);
}
