using SfSync.Model;
using SfSync.Planning;
using SfSync.Reconciling;

namespace SfSync.Tests.Planning;

public class SyncBatchMessageTests
{
    [Fact]
    public void A_batch_round_trips_through_its_message_body()
    {
        var sf = SalesforceId.Parse("001A0000006Vm9r");
        var batch = new SyncBatch("b1", "p1", "r1", EntityKind.Contact, [new RecordKey(sf, AppId.Parse("cont-7")), RecordKey.ForApp(AppId.Parse("cont-8"))], Full: true, Attempt: 3);

        Assert.True(SyncBatchMessage.TryParse(SyncBatchMessage.Serialize(batch), out var parsed, out var error), error);

        Assert.Equal(batch with { Keys = [] }, parsed! with { Keys = [] });
        Assert.Equal(batch.Keys, parsed!.Keys);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not json", "not valid batch JSON")]
    [InlineData("{\"v\":2,\"batchId\":\"b\",\"planId\":\"p\",\"runId\":\"r\",\"entity\":\"Account\",\"keys\":[{\"app\":\"1\"}]}", "version 1")]
    [InlineData("{\"v\":1,\"planId\":\"p\",\"runId\":\"r\",\"entity\":\"Account\",\"keys\":[{\"app\":\"1\"}]}", "lacks batchId")]
    [InlineData("{\"v\":1,\"batchId\":\"b\",\"planId\":\"p\",\"runId\":\"r\",\"entity\":\"Lead\",\"keys\":[{\"app\":\"1\"}]}", "unknown entity 'Lead'")]
    [InlineData("{\"v\":1,\"batchId\":\"b\",\"planId\":\"p\",\"runId\":\"r\",\"entity\":\"Account\",\"keys\":[]}", "1 to 200 keys")]
    [InlineData("{\"v\":1,\"batchId\":\"b\",\"planId\":\"p\",\"runId\":\"r\",\"entity\":\"Account\",\"keys\":[{\"sf\":\"001' OR Id != '\"}]}", "invalid Salesforce id")]
    [InlineData("{\"v\":1,\"batchId\":\"b\",\"planId\":\"p\",\"runId\":\"r\",\"entity\":\"Account\",\"keys\":[{}]}", "neither")]
    public void A_message_that_cannot_be_a_batch_is_refused_with_a_reason(string body, string reason)
    {
        Assert.False(SyncBatchMessage.TryParse(body, out var batch, out var error));
        Assert.Null(batch);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_of_two_hundred_keys_stays_far_below_the_Service_Bus_message_cap()
    {
        var keys = Enumerable.Range(0, 200).Select(i => new RecordKey(SalesforceId.Parse($"003A{i:D11}"), AppId.Parse($"contact-{i:D10}"))).ToArray();

        var body = SyncBatchMessage.Serialize(new SyncBatch(Guid.NewGuid().ToString("N"), "plan", "run", EntityKind.Contact, keys, false, 1));

        Assert.InRange(body.Length, 1, 20 * 1024);
    }
}
