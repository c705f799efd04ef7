using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfSync.Mapping;
using SfSync.Model;
using SfSync.Salesforce;

namespace SfSync.Scope;

/// <summary>
/// Each entity's <see cref="EntityScope"/>. Configured filters were validated at start-up and are parsed once; a list
/// view's filter is read from its describe on first use and again after <see cref="ScopeOptions.ListViewRefresh"/>, so
/// runs and batches in between cost no call for it. A list view that cannot be a scope (its filter does not parse, or
/// reads a field the sync does not) stops the entity's sync with a message rather than sync records outside it. The
/// settings are read as they are now (a configuration reload changes the scope without a restart; the planner notices).
/// </summary>
internal sealed partial class ScopeResolver(IOptionsMonitor<ScopeOptions> options, SyncMap map, ISalesforceListViews listViews, TimeProvider time, ILogger<ScopeResolver> logger) : IDisposable
{
    private readonly Dictionary<(EntityKind, string), (EntityScope Scope, DateTimeOffset ReadAt)> _listViews = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<EntityScope> ForAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        var own = await OwnAsync(entity, cancellationToken).ConfigureAwait(false);
        return entity == EntityKind.Contact ? own with { Parent = await OwnAsync(EntityKind.Account, cancellationToken).ConfigureAwait(false) } : own;
    }

    private async Task<EntityScope> OwnAsync(EntityKind entity, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.For(entity);
        var app = Parse(settings.App);
        if (string.IsNullOrWhiteSpace(settings.SalesforceListView))
        {
            return new EntityScope(entity, Parse(settings.Salesforce), app);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            var name = settings.SalesforceListView.Trim();
            if (_listViews.TryGetValue((entity, name), out var cached) && now - cached.ReadAt < options.CurrentValue.ListViewRefresh)
            {
                return cached.Scope with { App = app };
            }

            var describe = await listViews.DescribeListViewAsync(entity, name, cancellationToken).ConfigureAwait(false);
            ScopeExpression? filter;
            try
            {
                filter = ListViewFilter.Parse(describe.Query, describe.Scope);
            }
            catch (ScopeSyntaxException ex)
            {
                throw Unusable(entity, name, $"its filter {ex.Message}");
            }

            if (filter is not null && ScopeFields.UnknownSalesforce(map.For(entity), filter) is { } field)
            {
                throw Unusable(entity, name, $"it filters on {field}, which the sync does not read (map it, or use Sync:Scope:{entity}:Salesforce)");
            }

            var scope = new EntityScope(entity, filter, app, $"list view {name}");
            ListViewRead(logger, entity, name, describe.Id);
            _listViews[(entity, name)] = (scope, now);
            return scope;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static ScopeExpression? Parse(string? filter) => string.IsNullOrWhiteSpace(filter) ? null : ScopeParser.Parse(filter);

    private static SideUnavailableException Unusable(EntityKind entity, string name, string why) =>
        new(Side.Salesforce, $"the {entity} list view '{name}' cannot be a sync scope: {why}") { Problem = ConnectionProblem.ErrorAnswer };

    [LoggerMessage(EventId = 7001, EventName = "ScopeListViewRead", Level = LogLevel.Information, Message = "Read the {Entity} list view {ListView} ({ListViewId}) for the sync scope")]
    private static partial void ListViewRead(ILogger logger, EntityKind entity, string listView, string listViewId);
}
