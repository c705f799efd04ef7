namespace SfSync.Salesforce.Rest;

/// <summary>
/// Lets concurrent batches share Composite requests. One Composite request is one API call and carries up to five
/// queries or sObject Collections; a batch of 200 needs one for its read and one for its write. The handler applies
/// several batches at once (the trigger's concurrency), so their subrequests that arrive within the window
/// (<c>Salesforce:CompositeCoalescingWindow</c>) of each other travel together: up to five batches' reads in one call,
/// and their writes in another. Each caller gets exactly its own subresponses; a failure of the shared call fails each
/// of its callers as its own call would have.
/// Callers that run as members of a <see cref="CallGathering"/> (the batches of one invocation) do not rely on the
/// window: their group goes as soon as every live member of the gathering waits here (or when it is full), and only a
/// member busy elsewhere for longer than <see cref="GatheringTimeout"/> is not waited for.
/// </summary>
internal sealed class CompositeCoalescer(Func<List<CompositeSubrequest>, bool, string, CancellationToken, Task<IReadOnlyList<CompositeSubresponse>>> send, TimeSpan linger)
{
    /// <summary>Queries and sObject Collections one Composite request may carry.</summary>
    public const int HeavySubrequests = 5;

    /// <summary>
    /// How long a gathered group waits for a member still busy with Table Storage or the app. Long on purpose: the
    /// invocation ends only when its slowest batch does, so waiting for that batch costs the others nothing; the limit
    /// only frees them from a member stuck far longer (retrying a side that is down). A second was too short on a
    /// loaded machine, where one invocation's Table calls took several (bench/README.md).
    /// </summary>
    public static readonly TimeSpan GatheringTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<bool, Group> _open = [];

    /// <param name="what">What the call does, for its error message ("read records").</param>
    public async Task<IReadOnlyList<CompositeSubresponse>> SendAsync(List<CompositeSubrequest> requests, bool notReplayable, string what, CancellationToken cancellationToken)
    {
        if (requests.Count >= HeavySubrequests || linger <= TimeSpan.Zero)
        {
            return await send(requests, notReplayable, what, cancellationToken).ConfigureAwait(false);
        }

        var member = CallGathering.Current;
        Group group;
        int offset;
        var flushNow = false;
        lock (_gate)
        {
            if (_open.TryGetValue(notReplayable, out var full) && full.Requests.Count + requests.Count > HeavySubrequests)
            {
                // No room for this caller: the open group goes now, and this caller opens the next one.
                _open.Remove(notReplayable);
                full.Flushed = true;
                Flush(full);
            }

            if (!_open.TryGetValue(notReplayable, out group!))
            {
                group = new Group(notReplayable);
                _open[notReplayable] = group;
                _ = LingerThenFlushAsync(group, member is null ? linger : GatheringTimeout);
            }

            offset = group.Requests.Count;
            if (member is not null)
            {
                group.Members.Add(member);
            }

            group.What.Add(what);
            group.Requests.AddRange(requests.Select((r, i) => r with { ReferenceId = $"c{offset + i}" }));
            if (group.Requests.Count == HeavySubrequests)
            {
                _open.Remove(notReplayable);
                group.Flushed = true;
                flushNow = true;
            }
        }

        if (flushNow)
        {
            Flush(group);
        }
        else
        {
            // Outside the lock: the gathering may flush this group (and others) right here.
            member?.Park(() => FlushIfOpen(group));
        }

        try
        {
            var responses = await group.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return responses.Skip(offset).Take(requests.Count).Select((r, i) => r with { ReferenceId = requests[i].ReferenceId }).ToList();
        }
        finally
        {
            member?.Unpark();
        }
    }

    private async Task LingerThenFlushAsync(Group group, TimeSpan wait)
    {
        await Task.Delay(wait).ConfigureAwait(false);
        FlushIfOpen(group);
    }

    private void FlushIfOpen(Group group)
    {
        lock (_gate)
        {
            if (group.Flushed)
            {
                return; // it filled up first, or its gathering sent it
            }

            group.Flushed = true;
            if (_open.TryGetValue(group.NotReplayable, out var open) && open == group)
            {
                _open.Remove(group.NotReplayable);
            }
        }

        Flush(group);
    }

    private void Flush(Group group) => _ = Task.Run(async () =>
    {
        // Its members are busy again from now: a gathering must not wait for them at its next call.
        foreach (var member in group.Members)
        {
            member.Unpark();
        }

        try
        {
            // The shared call outlives any one caller's cancellation: the others still wait for it.
            group.Done.TrySetResult(await send(group.Requests, group.NotReplayable, string.Join(" and ", group.What), CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            group.Done.TrySetException(ex);
        }
    });

    private sealed class Group(bool notReplayable)
    {
        public bool NotReplayable { get; } = notReplayable;

        /// <summary>Set under the lock by whoever sends it, so it is sent exactly once.</summary>
        public bool Flushed { get; set; }

        public List<CompositeSubrequest> Requests { get; } = [];

        /// <summary>The gathering members waiting for it (added under the lock, read once it is flushed).</summary>
        public List<CallGathering.Member> Members { get; } = [];

        public SortedSet<string> What { get; } = new(StringComparer.Ordinal);

        public TaskCompletionSource<IReadOnlyList<CompositeSubresponse>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
