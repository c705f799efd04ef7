using SfSync.Runs;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Runs;

public sealed class RejectedMessageTests
{
    [Fact]
    public async Task A_message_that_is_not_a_batch_is_a_failed_run_of_its_own_naming_the_message_and_why()
    {
        using var h = new SyncHarness();

        var reason = await h.Get<RejectedMessage>().RecordAsync("msg-7", "3", "the body is not JSON");

        var run = Assert.Single(await h.History.ListAsync(10), r => r.RunId.StartsWith("rejected-", StringComparison.Ordinal));
        Assert.Equal((RunTrigger.Message, RunStatus.Failed), (run.Trigger, run.Status));
        Assert.Equal("Message msg-7 (delivery 3) was not processed: the body is not JSON", reason);
        Assert.Contains(reason, run.Message, StringComparison.Ordinal);
    }
}
