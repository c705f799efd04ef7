using System.Text.Json;
using SfSync.Salesforce.Rest;
using SfSync.Salesforce;

namespace SfSync.Tests.Salesforce;

/// <summary>Concurrent batches share Composite calls, five heavy subrequests to a call, each getting its own answers.</summary>
public sealed class CompositeCoalescerTests
{
    [Fact]
    public async Task Callers_within_the_window_share_one_call_up_to_five_subrequests_and_each_gets_its_own_answers()
    {
        var calls = new List<List<CompositeSubrequest>>();
        var coalescer = new CompositeCoalescer((requests, _, _, _) =>
        {
            lock (calls)
            {
                calls.Add(requests);
            }

            return Task.FromResult<IReadOnlyList<CompositeSubresponse>>(requests.Select(r => new CompositeSubresponse(JsonSerializer.SerializeToElement(r.Url), 200, r.ReferenceId)).ToList());
        }, TimeSpan.FromMilliseconds(200));

        var answers = await Task.WhenAll(Enumerable.Range(0, 7).Select(i => coalescer.SendAsync([new CompositeSubrequest("GET", $"/query/{i}", "q0")], false, "read records", CancellationToken.None)));

        Assert.Equal([5, 2], calls.Select(c => c.Count).Order().Reverse());
        for (var i = 0; i < 7; i++)
        {
            var answer = Assert.Single(answers[i]);
            Assert.Equal(($"/query/{i}", "q0"), (answer.Body.GetString(), answer.ReferenceId));
        }
    }

    [Fact]
    public async Task Writes_that_must_not_be_replayed_never_share_a_call_with_reads_and_a_failed_call_fails_each_caller()
    {
        var calls = new List<bool>();
        var coalescer = new CompositeCoalescer((requests, notReplayable, _, _) =>
        {
            lock (calls)
            {
                calls.Add(notReplayable);
            }

            return notReplayable
                ? Task.FromException<IReadOnlyList<CompositeSubresponse>>(new SideUnavailableException(SfSync.Model.Side.Salesforce, "503"))
                : Task.FromResult<IReadOnlyList<CompositeSubresponse>>(requests.Select(r => new CompositeSubresponse(default, 200, r.ReferenceId)).ToList());
        }, TimeSpan.FromMilliseconds(100));

        var read = coalescer.SendAsync([new CompositeSubrequest("GET", "/query", "q0")], false, "read records", CancellationToken.None);
        var writes = Enumerable.Range(0, 2).Select(_ => coalescer.SendAsync([new CompositeSubrequest("POST", "/composite/sobjects", "w0")], true, "write records", CancellationToken.None)).ToList();

        Assert.Single(await read);
        foreach (var write in writes)
        {
            await Assert.ThrowsAsync<SideUnavailableException>(() => write);
        }

        Assert.Equal([false, true], calls.Order());
    }

    [Fact]
    public async Task Members_of_a_gathering_share_one_call_however_far_apart_they_arrive_and_a_lone_caller_goes_at_once()
    {
        var calls = new List<int>();
        var coalescer = new CompositeCoalescer((requests, _, _, _) =>
        {
            lock (calls)
            {
                calls.Add(requests.Count);
            }

            return Task.FromResult<IReadOnlyList<CompositeSubresponse>>(requests.Select(r => new CompositeSubresponse(JsonSerializer.SerializeToElement(r.Url), 200, r.ReferenceId)).ToList());
        }, TimeSpan.FromMilliseconds(20));

        // Four batches of one invocation: each is busy elsewhere for a different time (Table Storage, the app) before
        // its read, far longer than the window, then reads and writes.
        var answers = await CallGathering.RunAllAsync(Enumerable.Range(0, 4).Select<int, Func<Task<string>>>(i => async () =>
        {
            await Task.Delay(150 * i);
            var read = await coalescer.SendAsync([new CompositeSubrequest("GET", $"/query/{i}", "q0")], false, "read records", CancellationToken.None);
            await Task.Delay(100 * (3 - i));
            await coalescer.SendAsync([new CompositeSubrequest("PATCH", $"/write/{i}", "w0")], false, "write records", CancellationToken.None);
            return read.Single().Body.GetString()!;
        }).ToList());

        Assert.Equal(["/query/0", "/query/1", "/query/2", "/query/3"], answers);
        Assert.Equal([4, 4], calls);

        // Outside a gathering the window applies; a gathering of one does not wait for it.
        var started = DateTime.UtcNow;
        await CallGathering.RunAllAsync<int>([async () => (await coalescer.SendAsync([new CompositeSubrequest("GET", "/query/alone", "q0")], false, "read records", CancellationToken.None)).Count]);
        Assert.Equal(3, calls.Count);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(500));
    }
}
