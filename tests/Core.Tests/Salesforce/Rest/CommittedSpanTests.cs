using System.Text.Json;
using SfSync.Salesforce.Rest;

namespace SfSync.Tests.Salesforce.Rest;

/// <summary>What a Get Updated answer says is committed, one row per kind of answer.</summary>
public sealed class CommittedSpanTests
{
    private static readonly CommittedSpan Span = CommittedSpan.EndingAt(DateTimeOffset.Parse("2026-12-01T10:30:42Z"));

    [Fact]
    public void The_span_ends_at_the_minute_of_the_org_s_time_and_starts_two_minutes_before()
    {
        Assert.Equal((DateTimeOffset.Parse("2026-12-01T10:28:00Z"), DateTimeOffset.Parse("2026-12-01T10:30:00Z")), (Span.Start, Span.End));
        Assert.Equal("start=2026-12-01T10%3A28%3A00%2B00%3A00&end=2026-12-01T10%3A30%3A00%2B00%3A00", Span.Query);
    }

    [Theory]
    [InlineData("nothing open: the end asked", 200, """{"ids":[],"latestDateCovered":"2026-12-01T10:30:00.000+0000"}""", "2026-12-01T10:30:00Z")]
    [InlineData("a transaction open inside the span, cut to the minute", 200, """{"ids":[],"latestDateCovered":"2026-12-01T10:29:17.000+0000"}""", "2026-12-01T10:29:00Z")]
    [InlineData("a transaction open since before the span", 200, """{"ids":[],"latestDateCovered":"2026-12-01T09:55:03.000+0000"}""", "2026-12-01T09:55:00Z")]
    [InlineData("at the span's start: perhaps an older start cut to it", 200, """{"ids":[],"latestDateCovered":"2026-12-01T10:28:00.000+0000"}""", null)]
    [InlineData("past the end asked: no later than the end", 200, """{"ids":[],"latestDateCovered":"2026-12-01T10:31:00.000+0000"}""", "2026-12-01T10:30:00Z")]
    [InlineData("refused", 400, """[{"errorCode":"INVALID_REPLICATION_DATE","message":"start must be before end"}]""", null)]
    [InlineData("no latestDateCovered", 200, """{"ids":[]}""", null)]
    [InlineData("not a date", 200, """{"ids":[],"latestDateCovered":"soon"}""", null)]
    public void An_answer_says_what_is_committed_or_nothing(string why, int status, string body, string? committed)
    {
        var answer = new CompositeSubresponse(JsonDocument.Parse(body).RootElement, status, "u0");

        Assert.True(Equals(committed is null ? null : DateTimeOffset.Parse(committed), Span.Committed(answer)), why);
    }
}
