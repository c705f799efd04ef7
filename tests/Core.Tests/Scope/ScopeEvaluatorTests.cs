using SfSync.Scope;

namespace SfSync.Tests.Scope;

/// <summary>The evaluator's table: one row per rule of SOQL's semantics it follows (docs/scope.md).</summary>
public class ScopeEvaluatorTests
{
    public static TheoryData<string, string?, bool> Rows => new()
    {
        // text: case-insensitive, as SOQL
        { "F = 'acme'", "ACME", true },
        { "F = 'acme'", "Acme Corp", false },
        { "F = 'acme'", null, false },
        // != and NOT IN match a blank value; = null only a blank one
        { "F != 'acme'", null, true },
        { "F != 'acme'", "acme", false },
        { "F = null", null, true },
        { "F = null", "  ", true },
        { "F = null", "x", false },
        { "F != null", "x", true },
        { "F != null", "", false },
        // orderings never match a blank value
        { "F < 'm'", null, false },
        { "F < 'm'", "Alpha", true },
        { "F >= 'm'", "Mike", true },
        { "F > 'm'", "alpha", false },
        // numbers compare numerically, a value that is no number matches none
        { "F > 9", "10", true },
        { "F <= 10.0", "10", true },
        { "F = 10", "ten", false },
        { "F != 10", "ten", true },
        // booleans by their text
        { "F = true", "True", true },
        { "F = false", "true", false },
        { "F > true", "true", false },
        // IN / NOT IN
        { "F IN ('DE', 'AT')", "at", true },
        { "F IN ('DE', 'AT')", "CH", false },
        { "F NOT IN ('DE', 'AT')", "CH", true },
        { "F NOT IN ('DE', 'AT')", null, true },
        { "F IN ('DE', null)", null, true },
        // LIKE: % any run, _ one character, escaped wildcards are themselves, the whole value, case aside
        { "F LIKE 'ac%'", "ACME", true },
        { "F LIKE '%me'", "Acme", true },
        { "F LIKE 'a_me'", "acme", true },
        { "F LIKE 'a_me'", "acmme", false },
        { "F LIKE '100\\%'", "100%", true },
        { "F LIKE '100\\%'", "1000", false },
        { "F LIKE 'a.c'", "abc", false },
        { "F LIKE 'ac%'", null, false },
        // NOT, AND, OR
        { "NOT F = 'x'", "y", true },
        { "NOT F = 'x'", "x", false },
        { "F = 'x' OR F = 'y'", "y", true },
        { "F LIKE 'x%' AND F != 'xy'", "xy", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_row_of_the_table(string filter, string? value, bool matches) =>
        Assert.Equal(matches, ScopeEvaluator.Matches(ScopeParser.Parse(filter), field => field == "F" ? value : throw new InvalidOperationException(field)));

    [Fact]
    public void Fields_are_read_by_the_name_the_filter_writes()
    {
        var values = new Dictionary<string, string?> { ["BillingCountry"] = "DE", ["Name"] = "Acme" };

        Assert.True(ScopeEvaluator.Matches(ScopeParser.Parse("BillingCountry = 'de' AND Name LIKE 'A%'"), f => values.GetValueOrDefault(f)));
        Assert.False(ScopeEvaluator.Matches(ScopeParser.Parse("BillingCountry = 'de' AND Name LIKE 'B%'"), f => values.GetValueOrDefault(f)));
    }
}
