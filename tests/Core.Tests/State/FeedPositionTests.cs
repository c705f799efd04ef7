using SfSync.Model;
using SfSync.State;

namespace SfSync.Tests.State;

public class FeedPositionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly SalesforceId A = SalesforceId.Parse("001000000000001");
    private static readonly SalesforceId B = SalesforceId.Parse("001000000000002");

    private static FeedPosition Position(DateTimeOffset? watermark = null, string? cursor = "c", params (SalesforceId Id, int Second, ulong Fingerprint)[] recent) =>
        new(watermark ?? T0, recent.ToDictionary(r => r.Id, r => new SeenVersion(T0.AddSeconds(r.Second), r.Fingerprint)), cursor);

    [Fact]
    public void Two_positions_with_the_same_content_are_equal_whatever_their_instances()
    {
        var one = Position(recent: [(A, 1, 7), (B, 2, 8)]);
        var other = Position(recent: [(B, 2, 8), (A, 1, 7)]); // another dictionary, another order

        Assert.NotSame(one.RecentSalesforce, other.RecentSalesforce);
        Assert.Equal(one, other);
        Assert.True(one == other);
        Assert.Equal(one.GetHashCode(), other.GetHashCode());
        Assert.Equal(FeedPosition.Start, new FeedPosition(null, new Dictionary<SalesforceId, SeenVersion>(), null));
    }

    [Fact]
    public void Any_difference_makes_two_positions_differ()
    {
        var position = Position(recent: [(A, 1, 7), (B, 2, 8)]);

        Assert.NotEqual(position, Position(watermark: T0.AddSeconds(1), recent: [(A, 1, 7), (B, 2, 8)]));
        Assert.NotEqual(position, Position(cursor: "d", recent: [(A, 1, 7), (B, 2, 8)]));
        Assert.NotEqual(position, Position(cursor: null, recent: [(A, 1, 7), (B, 2, 8)]));
        Assert.NotEqual(position, Position(recent: [(A, 1, 7), (B, 3, 8)])); // a stamp
        Assert.NotEqual(position, Position(recent: [(A, 1, 7), (B, 2, 9)])); // a fingerprint: a same-second version
        Assert.NotEqual(position, Position(recent: [(A, 1, 7)])); // fewer remembered
        Assert.NotEqual(Position(recent: [(A, 1, 7)]), position); // more remembered
        Assert.False(position.Equals(null));
    }
}
