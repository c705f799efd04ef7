using Azure.Core;
using Azure.Core.Pipeline;

namespace SfSync.State.Tables;

/// <summary>Counts round trips to Table Storage, split into reads and writes, for the tests and benchmarks that hold the
/// per-batch budget (docs/state.md) and for operators who want to see the cost of a run.</summary>
internal sealed class StateRequestCounter : HttpPipelineSynchronousPolicy
{
    private long _reads;
    private long _writes;

    public long Reads => Interlocked.Read(ref _reads);

    public long Writes => Interlocked.Read(ref _writes);

    public override void OnSendingRequest(HttpMessage message)
    {
        if (message.Request.Method == RequestMethod.Get)
        {
            Interlocked.Increment(ref _reads);
        }
        else
        {
            Interlocked.Increment(ref _writes);
        }
    }
}
