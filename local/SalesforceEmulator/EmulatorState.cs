using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SfSync.SalesforceEmulator.Org;

namespace SfSync.SalesforceEmulator;

/// <summary>What changes at run time besides the data: API usage, issued sessions and the injected faults.</summary>
internal sealed class EmulatorState(IOptions<EmulatorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _used;

    public EmulatorFaults Faults { get; private set; } = options.Value.Faults;

    public long DailyMax { get; set; } = options.Value.DailyApiLimit;

    public long Used => Interlocked.Read(ref _used);

    public void SetUsed(long used) => Interlocked.Exchange(ref _used, used);

    private readonly ConcurrentDictionary<string, long> _byResource = new(StringComparer.Ordinal);

    /// <summary>Counts one call of <paramref name="resource"/> (composite, query, limits …); false when the daily allocation is used up.</summary>
    public bool TryCount(string resource)
    {
        lock (_gate)
        {
            if (_used >= DailyMax)
            {
                return false;
            }

            _used++;
            _byResource.AddOrUpdate(resource, 1, (_, n) => n + 1);
            return true;
        }
    }

    /// <summary>The calls counted so far by the resource they called, so a benchmark can tell the sync's from a health check's.</summary>
    public IReadOnlyDictionary<string, long> UsedByResource => new SortedDictionary<string, long>(_byResource, StringComparer.Ordinal);

    public string LimitInfo => $"api-usage={Used}/{DailyMax}";

    /// <summary>A new access token for <paramref name="userId"/>: what the session does is done as that user.</summary>
    public string IssueSession(string userId)
    {
        var token = $"{OrgStore.OrgId[..15]}!{Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '.').Replace('/', '_').TrimEnd('=')}";
        _sessions[token] = new Session(userId, time.GetUtcNow());
        return token;
    }

    /// <summary>The session's user (and its idle clock restarted) when the token is a live session; null when it is not.</summary>
    public string? Touch(string token)
    {
        var now = time.GetUtcNow();
        if (!_sessions.TryGetValue(token, out var session) || now - session.LastUsed > options.Value.SessionTimeout)
        {
            _sessions.TryRemove(token, out _);
            return null;
        }

        _sessions[token] = session with { LastUsed = now };
        return session.UserId;
    }

    public int ExpireSessions()
    {
        var count = _sessions.Count;
        _sessions.Clear();
        return count;
    }

    public void SetFaults(EmulatorFaults faults)
    {
        lock (_gate)
        {
            Faults = faults;
        }
    }

    public bool TakeUnavailableFault() => Take(f => f.UnavailableNext, (f, v) => f.UnavailableNext = v) || (Faults.UnavailableShare > 0 && Random.Shared.NextDouble() < Faults.UnavailableShare);

    public bool TakeThrottleFault() => Take(f => f.ThrottleNext, (f, v) => f.ThrottleNext = v);

    public bool TakeLockRowFault() => Take(f => f.LockRowNext, (f, v) => f.LockRowNext = v);

    public bool TakeDropAnswerFault() => Take(f => f.DropAnswerNext, (f, v) => f.DropAnswerNext = v);

    private sealed record Session(string UserId, DateTimeOffset LastUsed);

    private bool Take(Func<EmulatorFaults, int> get, Action<EmulatorFaults, int> set)
    {
        lock (_gate)
        {
            var remaining = get(Faults);
            if (remaining <= 0)
            {
                return false;
            }

            set(Faults, remaining - 1);
            return true;
        }
    }
}
