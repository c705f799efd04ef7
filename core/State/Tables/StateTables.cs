using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace SfSync.State.Tables;

/// <summary>The state's tables, created on first use. One instance per process.</summary>
internal sealed class StateTables(TableServiceClient service, IOptions<TableStateOptions> options)
{
    private readonly Dictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task<TableClient> LinksAsync(CancellationToken cancellationToken) => GetAsync("Links", cancellationToken);

    public Task<TableClient> CursorsAsync(CancellationToken cancellationToken) => GetAsync("Cursors", cancellationToken);

    public Task<TableClient> OutboxAsync(CancellationToken cancellationToken) => GetAsync("Outbox", cancellationToken);

    public Task<TableClient> RunsAsync(CancellationToken cancellationToken) => GetAsync("Runs", cancellationToken);

    public Task<TableClient> RecordStatusAsync(CancellationToken cancellationToken) => GetAsync("RecordStatus", cancellationToken);

    public Task<TableClient> SweepsAsync(CancellationToken cancellationToken) => GetAsync("Sweeps", cancellationToken);

    /// <summary>A cheap round trip for health checks: lists at most one table.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in service.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            break;
        }
    }

    private Task<TableClient> GetAsync(string name, CancellationToken cancellationToken)
    {
        Lazy<Task<TableClient>> table;
        lock (_gate)
        {
            if (!_tables.TryGetValue(name, out table!) || table.Value.IsFaulted)
            {
                table = new Lazy<Task<TableClient>>(() => CreateAsync(options.Value.TablePrefix + name, cancellationToken));
                _tables[name] = table;
            }
        }

        return table.Value;
    }

    private async Task<TableClient> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var client = service.GetTableClient(name);
        await client.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        return client;
    }
}
