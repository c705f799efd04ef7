namespace SfSync.Salesforce;

/// <summary>
/// Work items that run side by side — the batches of one trigger invocation — and want their Salesforce calls to
/// travel together. Each item is a member for as long as it runs; a member that reaches a Salesforce call is parked
/// there until every other live member is parked too (or has finished), and then all of them go in shared Composite
/// requests. So five batches that each read and then write cost one read call and one write call, however their
/// Table Storage and app calls interleave — without guessing a time window.
/// </summary>
internal sealed class CallGathering
{
    private static readonly AsyncLocal<Member?> Ambient = new();

    private readonly Lock _gate = new();
    private readonly List<Action> _whenAllParked = [];
    private int _live;
    private int _parked;

    /// <summary>The member the current async flow runs as, if any.</summary>
    public static Member? Current => Ambient.Value;

    /// <summary>Runs every item as a member of one gathering; all are members before the first starts.</summary>
    public static Task<T[]> RunAllAsync<T>(IReadOnlyList<Func<Task<T>>> items)
    {
        var gathering = new CallGathering { _live = items.Count };
        return Task.WhenAll(items.Select(item => gathering.RunAsync(item)));
    }

    private async Task<T> RunAsync<T>(Func<Task<T>> item)
    {
        var member = new Member(this);
        Ambient.Value = member; // flows into the item's calls only: this is a fresh async method frame
        try
        {
            return await item().ConfigureAwait(false);
        }
        finally
        {
            Ambient.Value = null;
            Change(live: -1, parked: 0);
        }
    }

    private void Change(int live, int parked, Action? flush = null)
    {
        Action[] due = [];
        lock (_gate)
        {
            _live += live;
            _parked += parked;
            if (flush is not null && !_whenAllParked.Contains(flush))
            {
                _whenAllParked.Add(flush);
            }

            if (_parked >= _live && _whenAllParked.Count > 0)
            {
                due = [.. _whenAllParked];
                _whenAllParked.Clear();
            }
        }

        foreach (var action in due)
        {
            action();
        }
    }

    /// <summary>One item of a gathering.</summary>
    internal sealed class Member(CallGathering gathering)
    {
        private int _parked;

        /// <summary>Waits at a Salesforce call; <paramref name="flush"/> sends it once every live member waits.</summary>
        public void Park(Action flush)
        {
            var parked = Interlocked.Exchange(ref _parked, 1) == 0 ? 1 : 0;
            gathering.Change(live: 0, parked: parked, flush);
        }

        /// <summary>Its call went out: busy again until its next call.</summary>
        public void Unpark()
        {
            if (Interlocked.Exchange(ref _parked, 0) == 1)
            {
                gathering.Change(live: 0, parked: -1);
            }
        }
    }
}
