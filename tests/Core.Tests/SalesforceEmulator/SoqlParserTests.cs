using SfSync.SalesforceEmulator.Soql;

namespace SfSync.Tests.SalesforceEmulator;

public class SoqlParserTests
{
    private static readonly Dictionary<string, object?> Acme = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Name"] = "Acme Corp",
        ["BillingCity"] = null,
        ["SystemModstamp"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
        ["IsDeleted"] = false,
    };

    private static bool Matches(string where) => SoqlParser.Parse("SELECT Id FROM Account WHERE " + where).Where!.Matches(name => Acme.GetValueOrDefault(name));

    [Theory]
    [InlineData("Name = 'acme corp'", true)]
    [InlineData("Name != 'Acme Corp'", false)]
    [InlineData("Name LIKE 'Acme%'", true)]
    [InlineData("Name LIKE '%corp'", true)]
    [InlineData("Name LIKE 'A_me%'", true)]
    [InlineData("Name LIKE 'Acme\\%'", false)]
    [InlineData("Name IN ('Globex', 'ACME CORP')", true)]
    [InlineData("Name NOT IN ('Acme Corp')", false)]
    [InlineData("BillingCity = null", true)]
    [InlineData("BillingCity != null", false)]
    [InlineData("SystemModstamp = 2026-01-02T03:04:05Z", true)]
    [InlineData("SystemModstamp > 2026-01-02T03:04:05Z", true)]
    [InlineData("SystemModstamp >= 2026-01-02T03:04:05.679Z", false)]
    [InlineData("SystemModstamp < 2026-01-02T04:04:05+01:00", false)]
    [InlineData("SystemModstamp <= 2026-01-02T04:04:06+0100", true)]
    [InlineData("SystemModstamp > 2026-01-01", true)]
    [InlineData("IsDeleted = false AND (Name = 'x' OR Name = 'Acme Corp')", true)]
    [InlineData("IsDeleted = true OR Name = 'x' AND Name = 'y'", false)]
    [InlineData("NOT Name = 'x'", true)]
    [InlineData("Name = 'O\\'Brien' OR Name = 'Acme Corp'", true)]
    public void Where_clauses_evaluate_as_Salesforce_does(string where, bool expected) => Assert.Equal(expected, Matches(where));

    [Fact]
    public void Fields_order_and_limit_are_parsed()
    {
        var query = SoqlParser.Parse("select Id, Name FROM Account where Name != null order by Name desc nulls last, Id asc limit 10");

        Assert.Equal(["Id", "Name"], query.Fields);
        Assert.Equal([("Name", true, true), ("Id", false, false)], query.OrderBy);
        Assert.Equal(10, query.Limit);
    }

    [Theory]
    [InlineData("SELECT FROM Account")]
    [InlineData("SELECT Id FROM Account WHERE")]
    [InlineData("SELECT Id FROM Account WHERE Name = 'unterminated")]
    [InlineData("SELECT Id FROM Account WHERE Name = 'bad \\q escape'")]
    [InlineData("SELECT Id FROM Account WHERE Name = 'x' OR")]
    [InlineData("SELECT Id FROM Account LIMIT many")]
    [InlineData("SELECT Id FROM Account WHERE Name = 'x'; DELETE")]
    [InlineData("SELECT Id FROM Account WHERE SystemModstamp > 2026-13-45T00:00:00Z")]
    public void Malformed_queries_are_refused_with_MALFORMED_QUERY(string soql) =>
        Assert.Equal("MALFORMED_QUERY", Assert.Throws<SoqlException>(() => SoqlParser.Parse(soql)).ErrorCode);
}
