using SfSync.Planning;
using SfSync.Runs;

namespace SfSync.Functions;

/// <summary>POST /api/sync/resync — a full re-sync: both feeds from the start, and customers the app deleted come back while their accounts exist.</summary>
internal sealed class Resync(Planner planner, TimeProvider time, ILogger<StartSync> logger) : StartSync(planner, time, logger)
{
    public override string Name => nameof(Resync);

    protected override RunTrigger Trigger => RunTrigger.Resync;
}
