using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Host.Hosting;

/// <summary>
/// Settings every connection the host opens to a SQLite file gets, set once per native connection (the pool keeps it
/// open across many logical opens) rather than before every query.
/// <list type="bullet">
/// <item><c>PRAGMA busy_timeout</c>: SQLite itself waits for the write lock. Without it Microsoft.Data.Sqlite retries a
/// busy statement every 150 ms, so under concurrent writes a request that missed the lock by a millisecond sleeps
/// 150 ms, and the single writer sits idle while everyone sleeps.</item>
/// <item><c>PRAGMA synchronous = NORMAL</c>, only where <paramref name="waitForDisk"/> is false (the sandbox provider's
/// books): a commit no longer waits for the disk. In WAL mode that still survives the host crashing; only the
/// machine losing power can take back the last commits (docs/decisions/0026).</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSettings(int busyTimeoutMs, bool waitForDisk) : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<object, object> _done = [];

    private readonly string _pragmas = $"PRAGMA busy_timeout = {busyTimeoutMs};" + (waitForDisk ? "" : "PRAGMA synchronous = NORMAL;");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsNew(connection))
        {
            using var command = Pragmas(connection);
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsNew(connection))
        {
            await using var command = Pragmas(connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private bool IsNew(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _done.TryAdd(handle, handle);

    private DbCommand Pragmas(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        return command;
    }
}
