namespace SfSync.SalesforceEmulator;

/// <summary>
/// Faults the reliability tests and benchmarks need. Counters ("the next N calls") make tests deterministic; shares
/// (0..1) make benchmarks realistic. Everything here is under /__emulator, a path Salesforce does not use.
/// </summary>
internal sealed class EmulatorFaults
{
    /// <summary>Added to every data API call.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Share of data API calls answered 503 with an HTML body, as Salesforce's edge does during maintenance.</summary>
    public double UnavailableShare { get; set; }

    /// <summary>The next N data API calls are answered 503.</summary>
    public int UnavailableNext { get; set; }

    /// <summary>The next N data API calls are answered 429 with Retry-After.</summary>
    public int ThrottleNext { get; set; }

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>The next N record writes fail with UNABLE_TO_LOCK_ROW (the rest of their request succeeds).</summary>
    public int LockRowNext { get; set; }

    /// <summary>The refresh token was revoked (or expired): the refresh-token flow is answered invalid_grant, as Salesforce does.</summary>
    public bool RefreshTokenRevoked { get; set; }

    /// <summary>The next N write requests are applied and then their connection is dropped, so the answer is lost.</summary>
    public int DropAnswerNext { get; set; }
}
