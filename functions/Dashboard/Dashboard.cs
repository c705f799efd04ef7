using Microsoft.Extensions.Options;
using SfSync.App.Http;
using SfSync.Functions.Invocation;
using SfSync.Linking;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Runs;
using SfSync.Salesforce.Rest;
using SfSync.State.Tables;
using SfSync.State;
using SfSync.Telemetry;

namespace SfSync.Functions.Dashboard;

/// <summary>
/// GET /api/dashboard — the History page for operators, server-side HTML with no script: the run grid, a chart of the
/// last 24 hours, a record search, the dead-letter queue with its replay, the API usage gauge and the connections.
/// Every part is read on its own, so one broken connection shows as its reason instead of an error page.
/// </summary>
internal sealed class Dashboard(
    IRunHistory history,
    IRecordStatusLog statuses,
    IDeadLetterQueue deadLetters,
    SalesforceRecordsClient salesforce,
    AppApiClient app,
    StateTables state,
    OpenDuplicates duplicates,
    IOptions<PlanningOptions> planning,
    TimeProvider time) : HttpFunction
{
    /// <summary>Runs read for the grid and the chart: a day of 5-minute runs is 288.</summary>
    public const int MaxRuns = 300;

    public override string Name => nameof(Dashboard);

    protected override async Task<Dictionary<string, object?>> HandleAsync(HttpInvocation request, InvocationResponse response, CancellationToken cancellationToken)
    {
        var search = await SearchAsync(request, cancellationToken);
        var connections = new List<ConnectionState>
        {
            new("Salesforce", await ProbeAsync(async ct => Describe(await salesforce.ProblemAsync(ct)), cancellationToken)),
            new("App", await ProbeAsync(async ct => Describe(await app.ProblemAsync(ct)), cancellationToken)),
            new("State store", await ProbeAsync(async ct => { await state.PingAsync(ct); return null; }, cancellationToken)),
        };

        IReadOnlyList<SyncRun> runs = [];
        string? runsProblem = null;
        try
        {
            runs = await history.ListAsync(MaxRuns, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            runsProblem = Reason(ex);
        }

        DeadLetterListing? letters = null;
        string? lettersProblem = null;
        try
        {
            letters = await deadLetters.PeekAsync(20, ListDeadLetters.ScanLimit, cancellationToken);
            SyncMetrics.DeadLetters(letters.Depth);
        }
        catch (QueueUnavailableException ex)
        {
            lettersProblem = ex.Message;
            connections.Add(new ConnectionState("Queue", ex.Message));
        }

        if (lettersProblem is null)
        {
            connections.Add(new ConnectionState("Queue", null));
        }

        IReadOnlyList<OpenDuplicate>? open = null;
        string? duplicatesProblem = null;
        try
        {
            open = await duplicates.ListAsync(50, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            duplicatesProblem = Reason(ex);
        }

        var model = new DashboardModel(
            time.GetUtcNow(), runs, runsProblem, connections, salesforce.LastUsage, planning.Value.PauseAtApiUsageShare,
            letters, lettersProblem, search, Notice(request), request.Query.GetValueOrDefault("code"))
        {
            Duplicates = open,
            DuplicatesProblem = duplicatesProblem,
        };
        return new Dictionary<string, object?>
        {
            ["statusCode"] = 200,
            ["headers"] = new Dictionary<string, string>
            {
                ["Content-Type"] = "text/html; charset=utf-8",
                ["Cache-Control"] = "no-store",
                ["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'",
            },
            ["body"] = DashboardPage.Render(model),
        };
    }

    private async Task<RecordSearch?> SearchAsync(HttpInvocation request, CancellationToken cancellationToken)
    {
        var id = request.Query.GetValueOrDefault("id")?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var entityName = request.Query.GetValueOrDefault("entity") ?? "Account";
        var sideName = request.Query.GetValueOrDefault("side") ?? "salesforce";
        if (!EntityKindNames.TryParse(entityName, out var entity))
        {
            throw new BadInputException("entity must be Account (customers) or Contact (contacts).");
        }

        var side = sideName.ToUpperInvariant() switch
        {
            "SALESFORCE" => Side.Salesforce,
            "APP" => Side.App,
            _ => throw new BadInputException("side must be salesforce or app."),
        };
        if (id.Length > 100)
        {
            throw new BadInputException("id is at most 100 characters.");
        }

        try
        {
            return new RecordSearch(entity.ToString(), side.ToString(), id, await statuses.FindAsync(entity, side, id, cancellationToken), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new RecordSearch(entity.ToString(), side.ToString(), id, null, Reason(ex));
        }
    }

    private static string? Notice(HttpInvocation request) =>
        request.Query.TryGetValue("replayed", out var replayed) && int.TryParse(replayed, System.Globalization.CultureInfo.InvariantCulture, out var count)
            ? $"Replay: {count} dead-lettered {(count == 1 ? "batch was" : "batches were")} sent again."
            : null;

    private static async Task<string?> ProbeAsync(Func<CancellationToken, Task<string?>> probe, CancellationToken cancellationToken)
    {
        try
        {
            return await probe(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Reason(ex);
        }
    }

    /// <summary>The banner's words for a broken side: the kind health reports, then what the side said.</summary>
    private static string? Describe(SideProblem? problem) => problem is null ? null : $"{problem.Kind}: {problem.Detail}";

    private static string Reason(Exception ex) => StoreUnavailable.Is(ex) ? StoreUnavailable.Reason(ex) : $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
}
