using SfSync.Linking;
using SfSync.Queue;
using SfSync.Runs;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Functions.Dashboard;

/// <summary>One connection as the page shows it: broken when <see cref="Problem"/> says why.</summary>
internal sealed record ConnectionState(string Name, string? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>The record search: what was asked, and what the status log holds for it (null: nothing recorded).</summary>
internal sealed record RecordSearch(string Entity, string Side, string Id, SfSync.State.RecordStatus? Found, string? Problem);

/// <summary>Everything the History page shows, read once per request; a part that could not be read says why.</summary>
internal sealed record DashboardModel(
    DateTimeOffset Now,
    IReadOnlyList<SyncRun> Runs,
    string? RunsProblem,
    IReadOnlyList<ConnectionState> Connections,
    ApiUsage? Usage,
    double PauseAtShare,
    DeadLetterListing? DeadLetters,
    string? DeadLettersProblem,
    RecordSearch? Search,
    string? Notice,
    string? Code)
{
    /// <summary>The open duplicate e-mails (<c>GET /api/sync/duplicates</c>), or null when they could not be read.</summary>
    public IReadOnlyList<OpenDuplicate>? Duplicates { get; init; }

    public string? DuplicatesProblem { get; init; }
}
