using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace SfSync.SampleApp.Data;

/// <summary>
/// The SQLite database. Every write runs in a <c>BEGIN IMMEDIATE</c> transaction that takes the next value of one
/// change sequence; SQLite admits one writer at a time, so sequence order is commit order and a change-feed reader
/// can never see version n+1 before version n — the property the sync contract requires of any implementation.
/// </summary>
internal sealed class AppDatabase
{
    private readonly string _connectionString;

    public AppDatabase(IOptions<SampleAppOptions> options, IHostEnvironment environment)
    {
        var path = Path.IsPathRooted(options.Value.Database) ? options.Value.Database : Path.Combine(environment.ContentRootPath, options.Value.Database);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS change_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
            INSERT OR IGNORE INTO change_sequence (id, value) VALUES (1, 0);
            CREATE TABLE IF NOT EXISTS customers (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT, phone_number TEXT, description TEXT, fax_number TEXT, street TEXT, city TEXT, state TEXT, zip_code TEXT, country TEXT,
                extra TEXT, salesforce_id TEXT, sync_disabled INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL, modified_at TEXT NOT NULL, version INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
            CREATE UNIQUE INDEX IF NOT EXISTS ix_customers_version ON customers (version);
            CREATE UNIQUE INDEX IF NOT EXISTS ix_customers_salesforce ON customers (salesforce_id) WHERE deleted = 0 AND salesforce_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS ix_customers_name ON customers (name COLLATE NOCASE);
            CREATE TABLE IF NOT EXISTS contacts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT, email TEXT, customer_id INTEGER,
                extra TEXT, salesforce_id TEXT, sync_disabled INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL, modified_at TEXT NOT NULL, version INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
            CREATE UNIQUE INDEX IF NOT EXISTS ix_contacts_version ON contacts (version);
            CREATE UNIQUE INDEX IF NOT EXISTS ix_contacts_salesforce ON contacts (salesforce_id) WHERE deleted = 0 AND salesforce_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS ix_contacts_email ON contacts (email COLLATE NOCASE);
            CREATE INDEX IF NOT EXISTS ix_contacts_customer ON contacts (customer_id);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
