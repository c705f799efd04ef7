using Microsoft.Extensions.Time.Testing;
using SfSync.Salesforce;

namespace SfSync.Tests.Convergence;

/// <summary>The suite's model of one trigger invocation (<see cref="SimScheduler"/>): members of one
/// <see cref="CallGathering"/> share their Salesforce calls and their process.</summary>
public sealed class InvocationModelTests : IDisposable
{
    private readonly SynchronizationContext? _context = SynchronizationContext.Current;

    public void Dispose() => SynchronizationContext.SetSynchronizationContext(_context);

    private static readonly FaultProfile CrashAlways = FaultProfile.None with { Name = "crash", Crash = 1 };

    private static (SimScheduler Scheduler, FakeTimeProvider Time) New(FaultProfile profile)
    {
        SynchronizationContext.SetSynchronizationContext(null); // continuations inline, as ScenarioRunner.Run has them
        var time = new FakeTimeProvider(SimWorld.Epoch);
        return (new SimScheduler(new FaultModel(1, profile, time), time), time);
    }

    /// <summary>Two members, each making <paramref name="calls"/> in turn; what each call answered.</summary>
    private static (Actor Invocation, List<string>[] Answers) Start(SimScheduler scheduler, params PortCall[][] calls)
    {
        var answers = calls.Select(_ => new List<string>()).ToArray();
        var invocation = scheduler.Start(ActorKind.Invocation, "inv", async _ =>
        {
            await CallGathering.RunAllAsync(calls.Select<PortCall[], Func<Task<int>>>((mine, i) => async () =>
            {
                foreach (var call in mine)
                {
                    var fault = await scheduler.EnterAsync(call, call.IsSalesforce() ? new Gather(1, NotReplayable: false) : null);
                    answers[i].Add($"{call}:{fault}");
                    if (fault == Fault.Crash)
                    {
                        return i;
                    }
                }

                return i;
            }).ToList());
        });
        return (invocation, answers);
    }

    [Fact]
    public void Members_reads_wait_for_each_other_and_go_as_one_call_with_one_fault()
    {
        var (scheduler, _) = New(FaultProfile.None);
        var (invocation, answers) = Start(scheduler, [PortCall.LinkFind, PortCall.SfRead], [PortCall.SfRead]);

        // The second member waits at its read; the first is busy at Table Storage, so nothing goes yet.
        Assert.Equal([ActorKind.Delivery], scheduler.ParkedActors.Select(a => a.Kind));
        scheduler.Resume(scheduler.ParkedActors.Single());
        var gathered = Assert.Single(scheduler.ParkedActors);
        Assert.Equal((ActorKind.Gathered, PortCall.SfRead), (gathered.Kind, gathered.ParkedCall));

        var before = scheduler.Operation;
        scheduler.Resume(gathered);

        Assert.Equal(1, scheduler.Operation - before);
        Assert.True(invocation.IsDone);
        Assert.Equal(["LinkFind:None", "SfRead:None"], answers[0]);
        Assert.Equal(["SfRead:None"], answers[1]);
    }

    [Fact]
    public void A_crash_at_one_members_call_aborts_every_other_members_call()
    {
        var (scheduler, _) = New(CrashAlways);
        var (invocation, answers) = Start(scheduler, [PortCall.LinkFind, PortCall.AppRead], [PortCall.OutboxBatch, PortCall.AppRead]);
        Assert.Equal(2, scheduler.ParkedActors.Count);

        scheduler.Resume(scheduler.ParkedActors[0]);

        Assert.True(invocation.IsDone);
        Assert.True(invocation.Dead);
        Assert.Empty(scheduler.ParkedActors);
        Assert.Equal(["LinkFind:Crash"], answers[0]);
        Assert.Equal(["OutboxBatch:Crash"], answers[1]); // never made: the process was gone
    }
}
