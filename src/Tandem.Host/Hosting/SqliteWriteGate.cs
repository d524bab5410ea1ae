using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Host.Hosting;

/// <summary>
/// Queues this process's SQLite writers in memory, first come first served, instead of letting them poll for the
/// database's single write lock. SQLite's busy handler sleeps between attempts, so under many concurrent writers the
/// lock sat idle while everyone slept (orders waited about a second each at 30 in flight); with the queue the next
/// writer starts the moment the previous one commits. A writer is a transaction (ours all begin <c>IMMEDIATE</c>) or a
/// statement that writes outside one. The gate is held from the start of the transaction to its commit or rollback,
/// and never past the connection's close. Other processes on the same file still meet <c>busy_timeout</c>.
/// <para>Each file has one gate. How long writers queued for it and held it is recorded on meter
/// <c>Tandem.Database</c> (<c>tandem.sqlite.write_lock.wait</c> and <c>.hold</c>, tagged with the file's name): the
/// hold time summed over a second is the share of that second the file's single writer was busy.</para>
/// </summary>
internal sealed class SqliteWriteGate(TimeSpan patience, string database) : DbTransactionInterceptor, IDbConnectionInterceptor, IDbCommandInterceptor, IDisposable
{
    public const string MeterName = "Tandem.Database";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> Waits = Meter.CreateHistogram<double>(
        "tandem.sqlite.write_lock.wait", "ms", "How long a writer queued for the SQLite file's single write lock.");

    private static readonly Histogram<double> Holds = Meter.CreateHistogram<double>(
        "tandem.sqlite.write_lock.hold", "ms", "How long a writer held the SQLite file's single write lock.");

    private readonly KeyValuePair<string, object?> _database = new("tandem.database", database);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, Holder> _holders = [];

    private sealed class Holder
    {
        public bool Held;
        public long Since;
    }

    public void Dispose() => _gate.Dispose();

    private static DbConnection? ConnectionOf(TransactionEventData eventData) => eventData.Context?.Database.GetDbConnection();

    // Transactions: from start to commit, rollback or failure.
    public override InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(connection);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(connection, cancellationToken);
        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Exit(ConnectionOf(eventData));

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Exit(ConnectionOf(eventData));

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Exit(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => ExitIfEnded(eventData);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitIfEnded(eventData);
        return Task.CompletedTask;
    }

    // A failed savepoint leaves the transaction running; a failed commit or rollback ends it (EF disposes it next).
    private void ExitIfEnded(TransactionErrorEventData eventData)
    {
        if (eventData.Action is "Commit" or "Rollback")
        {
            Exit(ConnectionOf(eventData));
        }
    }

    // The safety net: a transaction disposed without commit or rollback ends when its connection closes.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Exit(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Exit(connection);
        return Task.CompletedTask;
    }

    // Statements that write outside a transaction (a single INSERT from SaveChanges, ExecuteUpdate, ExecuteDelete).
    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (IsLoneWrite(command))
        {
            Enter(command.Connection!);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (IsLoneWrite(command))
        {
            await EnterAsync(command.Connection!, cancellationToken);
        }

        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ExitLoneWrite(command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ExitLoneWrite(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (IsLoneWrite(command))
        {
            Enter(command.Connection!);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (IsLoneWrite(command))
        {
            await EnterAsync(command.Connection!, cancellationToken);
        }

        return result;
    }

    // A write with RETURNING holds SQLite's lock until its reader is done.
    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        ExitLoneWrite(command);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ExitLoneWrite(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitLoneWrite(command);
        return Task.CompletedTask;
    }

    private static bool IsLoneWrite(DbCommand command)
    {
        if (command.Transaction is not null || command.Connection is null)
        {
            return false;
        }

        var text = command.CommandText.AsSpan().TrimStart();
        return text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase);
    }

    private void ExitLoneWrite(DbCommand command)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            Exit(connection);
        }
    }

    private void Enter(DbConnection connection)
    {
        var holder = _holders.GetValue(connection, _ => new Holder());
        var queued = Stopwatch.GetTimestamp();
        if (!holder.Held && _gate.Wait(patience))
        {
            Entered(holder, queued);
        }
    }

    private async Task EnterAsync(DbConnection connection, CancellationToken ct)
    {
        var holder = _holders.GetValue(connection, _ => new Holder());
        var queued = Stopwatch.GetTimestamp();
        if (!holder.Held && await _gate.WaitAsync(patience, ct))
        {
            Entered(holder, queued);
        }

        // Past its patience a writer goes ahead without the queue and meets SQLite's own busy_timeout.
    }

    private void Entered(Holder holder, long queued)
    {
        holder.Held = true;
        holder.Since = Stopwatch.GetTimestamp();
        if (Waits.Enabled)
        {
            Waits.Record(Stopwatch.GetElapsedTime(queued, holder.Since).TotalMilliseconds, _database);
        }
    }

    private void Exit(DbConnection? connection)
    {
        if (connection is not null && _holders.TryGetValue(connection, out var holder) && holder.Held)
        {
            holder.Held = false;
            if (Holds.Enabled)
            {
                Holds.Record(Stopwatch.GetElapsedTime(holder.Since).TotalMilliseconds, _database);
            }

            _gate.Release();
        }
    }
}
