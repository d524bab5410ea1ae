using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Host;

/// <summary>
/// SQLite has one writer. The host queues its writers in memory (<c>SqliteWriteGate</c>): a transaction holds the queue
/// from its first statement, read or write, to its commit, and not before (docs/decisions/0018).
/// </summary>
public sealed class SqliteWriteGateTests(SqliteApp app) : ApiTest(app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_transaction_holds_the_write_lock_from_its_first_statement_to_its_end_and_not_before()
    {
        var table = new ProbeTable($"gate_probe_{Guid.NewGuid():N}");
        var handoffs = new System.Collections.Concurrent.ConcurrentBag<double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is { Name: "tandem.sqlite.write_lock.handoff", Meter.Name: "Tandem.Database" })
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => handoffs.Add(value));
        listener.Start();
        await using var setupScope = App.Services.CreateAsyncScope();
        var setup = setupScope.ServiceProvider.GetRequiredService<TandemDbContext>();
        await setup.Database.ExecuteSqlRawAsync(table.Create, Ct);
        await using var scopeA = App.Services.CreateAsyncScope();
        await using var scopeB = App.Services.CreateAsyncScope();
        var a = scopeA.ServiceProvider.GetRequiredService<TandemDbContext>();
        var b = scopeB.ServiceProvider.GetRequiredService<TandemDbContext>();

        try
        {
            await using (var transaction = await a.Database.BeginTransactionAsync(Ct))
            {
                // A has begun but run no statement: another writer goes ahead and commits.
                await IncrementAsync(b, table).WaitAsync(Patience, Ct);

                // A's first statement, a read, takes the lock: the next writer waits for A to finish, so A's write, which
                // depends on what it read, is not refused and overwrites nothing.
                var read = await ValueAsync(a, table);
                read.ShouldBe(1);

                // SQLite's own lock is taken too, as BEGIN IMMEDIATE would have: a writer from another process (which the
                // host's queue does not see) is refused rather than slipping in between A's read and A's write.
                var impatient = new SqliteConnectionStringBuilder(a.Database.GetConnectionString()) { DefaultTimeout = 1, Pooling = false };
                await using (var otherProcess = new SqliteConnection(impatient.ToString()))
                {
                    await otherProcess.OpenAsync(Ct);
                    await using var begin = otherProcess.CreateCommand();
                    begin.CommandText = "BEGIN IMMEDIATE";
                    (await Should.ThrowAsync<SqliteException>(() => begin.ExecuteNonQueryAsync(Ct))).SqliteErrorCode.ShouldBe(5);
                }

                var waiting = IncrementAsync(b, table);
                await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
                waiting.IsCompleted.ShouldBeFalse("a writer went ahead of a transaction that had already read");
                await a.Database.ExecuteSqlRawAsync(table.Set, [read + 10], Ct);
                await transaction.CommitAsync(Ct);
                await waiting.WaitAsync(Patience, Ct);

                // The waiting writer was handed the lock as A let go; how long it lay free in between is measured.
                handoffs.ShouldNotBeEmpty();
                handoffs.ShouldAllBe(ms => ms >= 0);
            }

            (await ValueAsync(setup, table)).ShouldBe(12);
        }
        finally
        {
            await setup.Database.ExecuteSqlRawAsync(table.Drop, CancellationToken.None);
        }
    }

    private static Task<long> ValueAsync(TandemDbContext db, ProbeTable table) => db.Database.SqlQueryRaw<long>(table.Read).SingleAsync();

    private static async Task IncrementAsync(TandemDbContext db, ProbeTable table)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync(table.Increment);
        await transaction.CommitAsync();
    }

    /// <summary>A one-row table of the test's own (its name is generated, never input).</summary>
    private sealed record ProbeTable(string Name)
    {
        public string Create => "CREATE TABLE \"" + Name + "\" (\"Id\" INTEGER PRIMARY KEY, \"N\" INTEGER NOT NULL); INSERT INTO \"" + Name + "\" VALUES (1, 0)";

        public string Read => "SELECT \"N\" AS \"Value\" FROM \"" + Name + "\" WHERE \"Id\" = 1";

        public string Set => "UPDATE \"" + Name + "\" SET \"N\" = {0} WHERE \"Id\" = 1";

        public string Increment => "UPDATE \"" + Name + "\" SET \"N\" = \"N\" + 1 WHERE \"Id\" = 1";

        public string Drop => "DROP TABLE \"" + Name + "\"";
    }
}
