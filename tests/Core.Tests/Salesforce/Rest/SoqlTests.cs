using SfSync.Model;
using SfSync.Salesforce.Rest;

namespace SfSync.Tests.Salesforce.Rest;

public class SoqlTests
{
    [Theory]
    [InlineData("O'Brien", @"'O\'Brien'")]
    [InlineData(@"back\slash", @"'back\\slash'")]
    [InlineData(@"x\' OR Name != \'", @"'x\\\' OR Name != \\\''")]
    [InlineData("line\nbreak", @"'line\nbreak'")]
    public void String_literals_escape_backslash_first_then_quotes(string value, string literal) => Assert.Equal(literal, Soql.Literal(value));

    [Fact]
    public void Contains_patterns_escape_the_LIKE_wildcards() => Assert.Equal(@"'%100\% \_off\_%'", Soql.ContainsPattern("100% _off_"));

    [Theory]
    [InlineData("Name; DELETE")]
    [InlineData("Name FROM User --")]
    [InlineData("1Name")]
    public void Names_that_are_not_API_names_are_refused(string name) => Assert.Throws<ArgumentException>(() => Soql.Name(name));

    [Fact]
    public void Id_lists_hold_only_parsed_ids() =>
        Assert.Equal("('001A0000006Vm9rIAC')", Soql.IdList([SalesforceId.Parse("001A0000006Vm9r")]));

    [Fact]
    public void Datetimes_are_UTC_literals_with_milliseconds() =>
        Assert.Equal("2026-01-02T03:04:05.678Z", Soql.DateTime(new DateTimeOffset(2026, 1, 2, 4, 4, 5, 678, TimeSpan.FromHours(1))));

    [Theory]
    [InlineData("2013-05-20T20:49:32.000+0000", 2013, 5, 20, 20)]
    [InlineData("2013-05-20T22:49:32.000+0200", 2013, 5, 20, 20)]
    [InlineData("2013-05-20T20:49:32Z", 2013, 5, 20, 20)]
    public void Salesforce_datetimes_parse_to_UTC(string text, int year, int month, int day, int hour)
    {
        var parsed = SalesforceDates.Parse(text);

        Assert.Equal((year, month, day, hour, TimeSpan.Zero), (parsed.Year, parsed.Month, parsed.Day, parsed.Hour, parsed.Offset));
    }
}
