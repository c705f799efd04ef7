using SfSync.Model;
using SfSync.Queue;
using SfSync.State;

namespace SfSync.Tests.Queue;

/// <summary>The replay rule, one row per case.</summary>
public sealed class ReplayDecisionTests
{
    public static TheoryData<bool, BatchStatus?, ReplayCase, bool> Rows => new()
    {
        { false, null, ReplayCase.NotABatch, false },
        { true, null, ReplayCase.PlanClosed, true },
        { true, BatchStatus.Done, ReplayCase.AlreadyApplied, true },
        { true, BatchStatus.Pending, ReplayCase.Resend, true },
        { true, BatchStatus.Deferred, ReplayCase.Resend, true },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_case(bool isBatch, BatchStatus? stored, ReplayCase expected, bool removes)
    {
        var batch = stored is { } status
            ? new PlannedBatch("p", "b", "r", EntityKind.Account, [], false, status, 2, DateTimeOffset.UnixEpoch, null, null)
            : null;

        var replay = ReplayDecision.For(isBatch, batch);

        Assert.Equal((expected, removes), (replay, ReplayDecision.Removes(replay)));
    }

    [Fact]
    public void Every_case_has_a_row() =>
        Assert.Equal(Enum.GetValues<ReplayCase>().Order(), Rows.Select(r => (ReplayCase)r[2]).Distinct().Order());
}
