using Microsoft.Data.Sqlite;
using Tandem.Host.Hosting;

namespace Tandem.Tests.Host;

/// <summary>
/// SQLite's compiled statements kept per native connection (docs/decisions/0021): a statement that runs again on the same
/// connection is reused, never shared between two callers at once, reset when put away, recompiled by SQLite when the
/// schema changes, and finalized before its connection closes; re-registering a function neither expires the kept
/// statements nor keeps calling the old callback.
/// </summary>
public sealed class SqliteStatementCacheTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tandem-statements-").FullName;
    private readonly string _connectionString;

    public SqliteStatementCacheTests()
    {
        SqliteStatementCache.Install();
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "t.db"), Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL);");
        for (var i = 1; i <= 3; i++)
        {
            Execute(connection, "INSERT INTO t (id, name) VALUES (@id, @name)", ("@id", i), ("@name", $"n{i}"));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_statement_run_again_on_the_same_connection_is_reused_with_its_new_values()
    {
        using var connection = Open();
        var before = SqliteStatementCache.StatisticsOf(connection)!.Value;

        Scalar(connection, "SELECT name FROM t WHERE id = @id", ("@id", 1)).ShouldBe("n1");
        Scalar(connection, "SELECT name FROM t WHERE id = @id", ("@id", 2)).ShouldBe("n2");
        Scalar(connection, "SELECT name FROM t WHERE id = @id", ("@id", 3)).ShouldBe("n3");

        var after = SqliteStatementCache.StatisticsOf(connection)!.Value;
        (after.Compiled - before.Compiled).ShouldBe(1, "compiled once");
        (after.Reused - before.Reused).ShouldBe(2, "then reused twice");
        after.Lent.ShouldBe(0, "every command was disposed, so every statement is back");
    }

    [Fact]
    public void A_command_of_several_statements_reuses_each_of_them()
    {
        using var connection = Open();
        const string Sql = "UPDATE t SET name = @name WHERE id = 1; SELECT name FROM t WHERE id = 1;";
        Scalar(connection, Sql, ("@name", "first")).ShouldBe("first");
        var before = SqliteStatementCache.StatisticsOf(connection)!.Value;

        Scalar(connection, Sql, ("@name", "second")).ShouldBe("second");

        var after = SqliteStatementCache.StatisticsOf(connection)!.Value;
        (after.Reused - before.Reused).ShouldBe(2);
        (after.Compiled - before.Compiled).ShouldBe(0);
    }

    [Fact]
    public void Two_readers_of_the_same_text_at_once_each_get_their_own_statement()
    {
        using var connection = Open();
        const string Sql = "SELECT id FROM t WHERE id >= @from ORDER BY id";
        _ = Scalar(connection, Sql, ("@from", 1)); // one kept statement for this text

        using var outer = Command(connection, Sql, ("@from", 1));
        using var outerRows = outer.ExecuteReader();
        outerRows.Read().ShouldBeTrue();
        using (var inner = Command(connection, Sql, ("@from", 2)))
        using (var innerRows = inner.ExecuteReader())
        {
            var ids = new List<long>();
            while (innerRows.Read())
            {
                ids.Add(innerRows.GetInt64(0));
            }

            ids.ShouldBe([2, 3]);
        }

        var rest = new List<long> { outerRows.GetInt64(0) };
        while (outerRows.Read())
        {
            rest.Add(outerRows.GetInt64(0));
        }

        rest.ShouldBe([1, 2, 3], "the outer reader's statement was not handed to the inner command");
    }

    [Fact]
    public void A_reader_left_half_way_holds_no_read_transaction_once_put_away()
    {
        using (var connection = Open())
        {
            using var command = Command(connection, "SELECT id FROM t ORDER BY id");
            using var rows = command.ExecuteReader();
            rows.Read().ShouldBeTrue(); // one row of three, then the reader and command are disposed
        }

        using (var writer = Open())
        {
            Execute(writer, "INSERT INTO t (id, name) VALUES (4, 'n4')");
        }

        // A statement still holding a read transaction would keep the WAL from being checkpointed in full.
        using var checkpoint = Open();
        using var pragma = Command(checkpoint, "PRAGMA wal_checkpoint(TRUNCATE)");
        using var result = pragma.ExecuteReader();
        result.Read().ShouldBeTrue();
        result.GetInt64(0).ShouldBe(0, "busy: some connection still reads an old snapshot");
    }

    [Fact]
    public void A_kept_statement_follows_a_change_of_schema()
    {
        using var connection = Open();
        Columns(connection, "SELECT * FROM t WHERE id = 1").ShouldBe(2);

        using (var other = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString()))
        {
            other.Open();
            Execute(other, "ALTER TABLE t ADD COLUMN note TEXT");
        }

        Columns(connection, "SELECT * FROM t WHERE id = 1").ShouldBe(3);
        SqliteStatementCache.StatisticsOf(connection)!.Value.Recompiled.ShouldBe(1, "SQLite recompiled the kept statement");
    }

    [Fact]
    public void A_function_registered_again_leads_to_the_new_callback_without_expiring_the_kept_statements()
    {
        using var connection = Open();
        connection.CreateFunction("scaled", (long x) => x * 2);
        Scalar(connection, "SELECT scaled(id) FROM t WHERE id = 3").ShouldBe(6L);
        var before = SqliteStatementCache.StatisticsOf(connection)!.Value;

        // Another logical open of the same pooled native connection registers the function anew, as EF Core does.
        connection.Close();
        connection.Open();
        connection.CreateFunction("scaled", (long x) => x * 10);
        Scalar(connection, "SELECT scaled(id) FROM t WHERE id = 3").ShouldBe(30L);

        var after = SqliteStatementCache.StatisticsOf(connection)!.Value;
        (after.Reused - before.Reused).ShouldBe(1, "the statement compiled before the new registration was reused");
        (after.Compiled - before.Compiled).ShouldBe(0);
        (after.Recompiled - before.Recompiled).ShouldBe(0, "nothing expired it: SQLite never saw the function replaced");
    }

    [Fact]
    public void A_function_removed_with_its_connection_answers_no_such_function()
    {
        using var connection = Open();
        connection.CreateFunction("scaled", (long x) => x * 2);
        Scalar(connection, "SELECT scaled(id) FROM t WHERE id = 3").ShouldBe(6L);

        // Going back to the pool removes the connection's functions; this logical open registers none.
        connection.Close();
        using var next = Open();
        Should.Throw<SqliteException>(() => Scalar(next, "SELECT scaled(id) FROM t WHERE id = 3")).Message.ShouldContain("no such function: scaled");
    }

    [Fact]
    public void A_collation_registered_again_leads_to_the_new_comparison()
    {
        using var connection = Open();
        connection.CreateCollation("by_length", (x, y) => x.Length.CompareTo(y.Length));
        Execute(connection, "INSERT INTO t (id, name) VALUES (10, 'bbbb'), (11, 'a')");
        const string Sql = "SELECT name FROM t WHERE id >= 10 ORDER BY name COLLATE by_length LIMIT 1";
        Scalar(connection, Sql).ShouldBe("a");
        var before = SqliteStatementCache.StatisticsOf(connection)!.Value;

        connection.Close();
        connection.Open();
        connection.CreateCollation("by_length", (x, y) => y.Length.CompareTo(x.Length));
        Scalar(connection, Sql).ShouldBe("bbbb");
        (SqliteStatementCache.StatisticsOf(connection)!.Value.Recompiled - before.Recompiled).ShouldBe(0, "nothing expired the kept statement");
    }

    [Fact]
    public void The_cache_keeps_at_most_its_capacity_and_lets_the_oldest_go()
    {
        using var connection = Open();
        for (var i = 0; i < SqliteStatementCache.Capacity + 40; i++)
        {
            Scalar(connection, $"SELECT {i} + id FROM t WHERE id = 1").ShouldBe(i + 1L);
        }

        SqliteStatementCache.StatisticsOf(connection)!.Value.Kept.ShouldBe(SqliteStatementCache.Capacity);

        // The newest are still kept; the first were finalized.
        var before = SqliteStatementCache.StatisticsOf(connection)!.Value;
        Scalar(connection, $"SELECT {SqliteStatementCache.Capacity + 39} + id FROM t WHERE id = 1");
        Scalar(connection, "SELECT 0 + id FROM t WHERE id = 1");
        var after = SqliteStatementCache.StatisticsOf(connection)!.Value;
        (after.Reused - before.Reused).ShouldBe(1);
        (after.Compiled - before.Compiled).ShouldBe(1);
    }

    [Fact]
    public void A_closed_connection_leaves_nothing_kept_and_its_file_can_go()
    {
        var file = Path.Combine(_directory, "closing.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; CREATE TABLE x (v INTEGER)");
            Scalar(connection, "SELECT count(*) FROM x").ShouldBe(0L);
            SqliteStatementCache.StatisticsOf(connection)!.Value.Kept.ShouldBeGreaterThan(0);
        }

        // Clearing the pool closes the native connection. The last connection of a WAL file to close checkpoints it and
        // deletes the WAL; with any statement still unfinalized, close_v2 leaves a zombie that stays open instead.
        SqliteConnection.ClearPool(new SqliteConnection(connectionString));
        File.Exists(file + "-wal").ShouldBeFalse("the native connection closed for real");
        using (var fresh = new SqliteConnection(connectionString))
        {
            fresh.Open();
            SqliteStatementCache.StatisticsOf(fresh).ShouldBeNull("a new native connection starts with nothing kept");
            Scalar(fresh, "SELECT count(*) FROM x").ShouldBe(0L);
        }

        SqliteConnection.ClearPool(new SqliteConnection(connectionString));
        File.Delete(file);
        File.Exists(file).ShouldBeFalse();
    }

    [Fact]
    public async Task Many_callers_on_pooled_connections_each_get_their_own_answers()
    {
        const int Callers = 16;
        const int Rounds = 300;
        var wrong = 0;
        await Parallel.ForAsync(0, Callers, TestContext.Current.CancellationToken, async (caller, ct) =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                await using var connection = new SqliteConnection(_connectionString);
                await connection.OpenAsync(ct);
                var x = caller * 100_000L + round;
                if (Scalar(connection, "SELECT @x + id FROM t WHERE id = 1", ("@x", x)) is not long sum || sum != x + 1)
                {
                    Interlocked.Increment(ref wrong);
                }

                using var command = Command(connection, "SELECT id, @x FROM t ORDER BY id", ("@x", x));
                using var rows = await command.ExecuteReaderAsync(ct);
                var seen = 0;
                while (await rows.ReadAsync(ct) && seen < 1 + round % 3)
                {
                    if (rows.GetInt64(1) != x)
                    {
                        Interlocked.Increment(ref wrong);
                    }

                    seen++;
                }
            }
        });

        wrong.ShouldBe(0);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    private static int Columns(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        using var rows = command.ExecuteReader();
        return rows.FieldCount;
    }
}
