using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Reconciling;

/// <summary>The messages of one trigger invocation are applied together, yet each stays its own batch.</summary>
public sealed class ApplyTogetherTests
{
    [Fact]
    public async Task A_batch_that_throws_fails_only_its_own_entry_and_its_siblings_are_applied_to_the_end()
    {
        using var h = new SyncHarness();
        var initech = h.App.Create(EntityKind.Account, Fields.Of(("name", "Initech")));
        var globex = h.App.Create(EntityKind.Account, Fields.Of(("name", "Globex")));
        var reads = 0;
        h.App.BeforeRead = () =>
        {
            if (Interlocked.Increment(ref reads) == 1)
            {
                throw new InvalidOperationException("a bug in one batch");
            }
        };

        SyncBatch Batch(AppId id) => new(Guid.NewGuid().ToString("N"), "plan", "run", EntityKind.Account, [RecordKey.ForApp(id)], Full: false, Attempt: 1);
        var delivered = await h.Applier.ApplyTogetherAsync(
        [
            new DeliveredBatch("m1", 1, Batch(initech), null, null, null),
            new DeliveredBatch("m2", 1, Batch(globex), null, null, null),
            new DeliveredBatch("m3", 1, null, "The message body is empty.", null, null),
        ]);

        Assert.Equal(["m1", "m2", "m3"], delivered.Select(d => d.MessageId));
        var failed = Assert.Single(delivered, d => d.Failure is not null);
        Assert.Equal("a bug in one batch", failed.Failure!.Message);
        var applied = Assert.Single(delivered, d => d.Result is { Status: BatchApplyStatus.Applied });
        Assert.Equal(1, applied.Result!.Summary.Salesforce.Created);
        Assert.Equal(("The message body is empty.", null, null), (delivered[2].NotABatch, delivered[2].Result, delivered[2].Failure));
        var created = Assert.Single(h.Salesforce.All(EntityKind.Account));
        Assert.Equal(applied == delivered[0] ? "Initech" : "Globex", created.Fields["Name"]);
    }
}
