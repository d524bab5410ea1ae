using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tandem.Kernel.Persistence;

namespace Tandem.Host.Hosting;

/// <summary>
/// Queues this process's SQLite writers in memory, first come first served, instead of letting them poll for the
/// database's single write lock. SQLite's busy handler sleeps between attempts, so under many concurrent writers the
/// lock sat idle while everyone slept (orders waited about a second each at 30 in flight); with the queue
/// (<see cref="WriterQueue"/>) the next writer runs on, on the committing thread, the moment the previous one commits.
/// A writer is a transaction or a statement that writes outside one.
/// Transactions begin <c>DEFERRED</c>; the gate is held from a transaction's first statement to its commit or rollback,
/// and never past the connection's close, so the host's work before the first statement (EF Core preparing a
/// <c>SaveChanges</c> batch, say) does not hold up other writers (docs/decisions/0018). Other processes on the same file
/// still meet <c>busy_timeout</c>: a transaction whose first statement reads takes SQLite's lock before it
/// (<see cref="TakeSqliteLockBeforeFirstRead"/>), as <c>BEGIN IMMEDIATE</c> would have.
/// <para>Each file has one gate. How long writers queued for it and held it is recorded on meter
/// <c>Tandem.Database</c> (<c>tandem.sqlite.write_lock.wait</c> and <c>.hold</c>, tagged with the file's name): the
/// hold time summed over a second is the share of that second the file's single writer was busy. The counter
/// <c>tandem.sqlite.write_lock.busy</c> splits that busy time by what the holder was doing
/// (<c>tandem.sqlite.part</c>: <c>statements</c> running in SQLite, <c>commit</c>, or <c>host</c>, the process's own
/// work between them); its rate is the file's utilisation, and what to shorten next. The counter
/// <c>tandem.sqlite.write_lock.handoff</c> is the time the lock lay free while a writer was queued for it.</para>
/// </summary>
internal sealed class SqliteWriteGate(TimeSpan patience, string database) : DbTransactionInterceptor, IDbConnectionInterceptor, IDbCommandInterceptor
{
    public const string MeterName = "Tandem.Database";

    /// <summary>The meter of the SQLite files' telemetry, shared with <see cref="SqliteStatementCache"/>.</summary>
    internal static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> Waits = Meter.CreateHistogram<double>(
        "tandem.sqlite.write_lock.wait", "ms", "How long a writer queued for the SQLite file's single write lock.");

    private static readonly Histogram<double> Holds = Meter.CreateHistogram<double>(
        "tandem.sqlite.write_lock.hold", "ms", "How long a writer held the SQLite file's single write lock.");

    private static readonly Counter<double> Busy = Meter.CreateCounter<double>(
        "tandem.sqlite.write_lock.busy", "ms", "Time the SQLite file's single write lock was held, by part: statements, commit, host.");

    private static readonly Counter<double> Handoffs = Meter.CreateCounter<double>(
        "tandem.sqlite.write_lock.handoff", "ms", "Time the SQLite file's single write lock lay free while a writer was queued for it.");

    private readonly KeyValuePair<string, object?> _database = new("tandem.database", database);
    private readonly KeyValuePair<string, object?>[] _statements = [new("tandem.database", database), new("tandem.sqlite.part", "statements")];
    private readonly KeyValuePair<string, object?>[] _commit = [new("tandem.database", database), new("tandem.sqlite.part", "commit")];
    private readonly KeyValuePair<string, object?>[] _host = [new("tandem.database", database), new("tandem.sqlite.part", "host")];
    private readonly WriterQueue _gate = new();
    private readonly ConditionalWeakTable<DbConnection, Holder> _holders = [];

    private sealed class Holder
    {
        public bool Held;
        public long Since;

        // Within the current hold: when the running statement or the commit began (0: none), and the time they took.
        public long StatementSince;
        public long InStatements;
        public long CommitSince;
    }

    private static DbConnection? ConnectionOf(TransactionEventData eventData) => eventData.Context?.Database.GetDbConnection();

    // Transactions begin DEFERRED and take the gate at their first statement (below), so whatever a transaction does
    // before that (EF Core's bookkeeping, building rows, SaveChanges preparing its batch) runs outside the lock.
    public override InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result) =>
        InterceptionResult<DbTransaction>.SuppressWithResult(((SqliteConnection)connection).BeginTransaction(eventData.IsolationLevel, deferred: true));

    public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TransactionStarting(connection, eventData, result));

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (Held(ConnectionOf(eventData)) is { } holder)
        {
            holder.CommitSince = Stopwatch.GetTimestamp();
        }

        return result;
    }

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TransactionCommitting(transaction, eventData, result));

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

    // A transaction's first statement, read or write, and statements that write outside a transaction (a single INSERT
    // from SaveChanges, ExecuteUpdate, ExecuteDelete).
    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (NeedsGate(command))
        {
            Enter(command);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (NeedsGate(command))
        {
            await EnterAsync(command, cancellationToken);
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
        if (NeedsGate(command))
        {
            Enter(command);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (NeedsGate(command))
        {
            await EnterAsync(command, cancellationToken);
        }

        return result;
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        if (NeedsGate(command))
        {
            Enter(command);
        }

        return result;
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        ExitLoneWrite(command);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        ExitLoneWrite(command);
        return ValueTask.FromResult(result);
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        if (NeedsGate(command))
        {
            await EnterAsync(command, cancellationToken);
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

    /// <summary>
    /// A statement in a transaction takes the gate (its first one does; the rest find it held). Taking it for a first
    /// statement that only reads keeps the transaction serializable: no other writer of this process commits between
    /// that read and the transaction's own writes, as with <c>BEGIN IMMEDIATE</c>.
    /// </summary>
    private static bool NeedsGate(DbCommand command) => command.Transaction is not null ? command.Connection is not null : IsLoneWrite(command);

    private static bool IsLoneWrite(DbCommand command) => command.Transaction is null && command.Connection is not null && SqlStatements.IsWrite(command);

    // A statement has finished (for a reader: its rows are read); a lone write also ends its hold.
    private void ExitLoneWrite(DbCommand command)
    {
        if (Held(command.Connection) is { StatementSince: > 0 } holder)
        {
            holder.InStatements += Stopwatch.GetTimestamp() - holder.StatementSince;
            holder.StatementSince = 0;
        }

        if (command.Transaction is null && command.Connection is { } connection)
        {
            Exit(connection);
        }
    }

    private Holder? Held(DbConnection? connection) =>
        connection is not null && _holders.TryGetValue(connection, out var holder) && holder.Held ? holder : null;

    private void Enter(DbCommand command)
    {
        var holder = _holders.GetValue(command.Connection!, _ => new Holder());
        if (!holder.Held)
        {
            var queued = Stopwatch.GetTimestamp();
            if (_gate.Wait(patience))
            {
                Entered(holder, queued);
            }

            TakeSqliteLockBeforeFirstRead(command);
        }

        holder.StatementSince = Stopwatch.GetTimestamp();
    }

    private async Task EnterAsync(DbCommand command, CancellationToken ct)
    {
        var holder = _holders.GetValue(command.Connection!, _ => new Holder());
        if (!holder.Held)
        {
            // Past its patience a writer goes ahead without the queue and meets SQLite's own busy_timeout.
            var queued = Stopwatch.GetTimestamp();
            if (await _gate.WaitAsync(patience, ct))
            {
                Entered(holder, queued);
            }

            TakeSqliteLockBeforeFirstRead(command);
        }

        holder.StatementSince = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// A deferred transaction whose first statement reads would read a snapshot without SQLite's write lock; if another
    /// process (a second host on the same file) wrote before this transaction's first write, SQLite would refuse that
    /// write (<c>SQLITE_BUSY_SNAPSHOT</c>) instead of waiting. So before such a first read the transaction takes SQLite's
    /// lock itself with a write that changes nothing, waiting in <c>busy_timeout</c> like <c>BEGIN IMMEDIATE</c> did.
    /// A first statement that writes takes the lock by itself.
    /// </summary>
    private static void TakeSqliteLockBeforeFirstRead(DbCommand command)
    {
        if (command.Transaction is null || SqlStatements.IsWrite(command))
        {
            return;
        }

        using var take = command.Connection!.CreateCommand();
        take.Transaction = command.Transaction;
        take.CommandText = "DELETE FROM \"__EFMigrationsHistory\" WHERE 0";
        try
        {
            take.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            // No history table yet (the migrations are creating it): nothing else writes this file yet either.
        }
    }

    private void Entered(Holder holder, long queued)
    {
        holder.Held = true;
        holder.Since = Stopwatch.GetTimestamp();
        (holder.StatementSince, holder.InStatements, holder.CommitSince) = (0, 0, 0);
        if (Waits.Enabled)
        {
            Waits.Record(Stopwatch.GetElapsedTime(queued, holder.Since).TotalMilliseconds, _database);
        }

        // Handed over by the previous holder (not taken free): the lock lay free from that moment until now.
        if (Handoffs.Enabled && _gate.HandedOverAt is > 0 and var released)
        {
            Handoffs.Add(Milliseconds(holder.Since - released), _database);
        }
    }

    private void Exit(DbConnection? connection)
    {
        if (Held(connection) is { } holder)
        {
            holder.Held = false;
            var now = Stopwatch.GetTimestamp();
            if (Holds.Enabled)
            {
                Holds.Record(Stopwatch.GetElapsedTime(holder.Since, now).TotalMilliseconds, _database);
            }

            if (Busy.Enabled)
            {
                var commit = holder.CommitSince > 0 ? now - holder.CommitSince : 0;
                var statements = holder.InStatements;
                Busy.Add(Milliseconds(statements), _statements);
                Busy.Add(Milliseconds(commit), _commit);
                Busy.Add(Milliseconds(now - holder.Since - statements - commit), _host);
            }

            _gate.Release();
        }
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
