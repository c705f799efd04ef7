using SfSync.Linking;

namespace SfSync.Tests.Linking;

public class MatcherTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Candidate<string> C(string id, string? value, int minutes) => new(id, value, T0.AddMinutes(minutes));

    [Fact]
    public void Email_duplicates_link_the_earliest_created_and_count_the_rest()
    {
        var match = ExactMatcher.Pick([C("late", "a@x.io", 5), C("early", " A@X.IO ", 1), C("other", "b@x.io", 0)], "a@x.io");

        Assert.Equal(("early", 1), (match!.Record, match.Duplicates));
    }

    [Fact]
    public void Exact_name_ignores_case_and_surrounding_space_but_not_other_differences()
    {
        Assert.Equal("a", ExactMatcher.Pick([C("a", "Acme Corp", 0)], " acme corp")!.Record);
        Assert.Null(ExactMatcher.Pick([C("a", "Acme Corp.", 0)], "Acme Corp"));
        Assert.Null(ExactMatcher.Pick([C("a", "Acme", 0)], "  "));
    }

    [Fact]
    public void Company_name_prefers_an_exact_match_earliest_created()
    {
        var match = CompanyNameMatcher.Pick([C("sub", "Acme Holdings", 0), C("late", "Acme", 9), C("early", "ACME", 3)], "Acme");

        Assert.Equal(("early", CompanyNameRule.Exact), (match!.Record, match.Rule));
    }

    [Fact]
    public void Company_name_falls_back_to_a_unique_substring()
    {
        var match = CompanyNameMatcher.Pick([C("h", "Acme Holdings GmbH", 0), C("o", "Other", 0)], "acme holdings");

        Assert.Equal(("h", CompanyNameRule.UniqueSubstring), (match!.Record, match.Rule));
    }

    [Fact]
    public void Company_name_links_nothing_when_the_substring_is_ambiguous_or_absent()
    {
        Assert.Null(CompanyNameMatcher.Pick([C("1", "Acme East", 0), C("2", "Acme West", 0)], "Acme"));
        Assert.Null(CompanyNameMatcher.Pick([C("1", "Globex", 0)], "Acme"));
    }
}
