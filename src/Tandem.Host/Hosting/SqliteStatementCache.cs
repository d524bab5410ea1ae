using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tandem.Host.Hosting;

/// <summary>
/// Keeps SQLite's compiled statements for each native connection, so a statement that runs again on the same
/// connection is not parsed and compiled again: SQLite's counterpart of Npgsql's automatic preparation.
/// <para>Microsoft.Data.Sqlite keeps a command's statements only while that <see cref="SqliteCommand"/> lives, and
/// EF Core makes a new command for every execution, so each of a checkout's thirty-odd statements was compiled every
/// time (dotnet/efcore#14044): 15–25 µs each, against 1–7 µs to run a kept one. The cache sits below
/// Microsoft.Data.Sqlite, in the provider that every call to the native library goes through: when a statement is
/// finalized it is reset and kept instead, under its SQL text, and the next prepare of the same text on the same
/// connection gets it back. The pool keeps native connections open across many logical opens, so the statements
/// outlive the commands and the requests.</para>
/// <para>Rules that keep it safe:</para>
/// <list type="bullet">
/// <item>A statement belongs to one caller at a time: a kept statement is handed out only while no one holds it.</item>
/// <item>A kept statement is reset and its bindings cleared, so it holds no read transaction and no old values.</item>
/// <item>At most <see cref="Capacity"/> statements are kept per connection; the least recently used is finalized.</item>
/// <item>Before a connection closes its kept statements are finalized. A statement finalized after its connection
/// closed (the garbage collector's thread may do that) is finalized for real, and SQLite's <c>close_v2</c> keeps the
/// connection's memory until then, so its address cannot be taken by another connection meanwhile.</item>
/// <item>SQLite recompiles a kept statement by itself when the schema changed (<c>prepare_v2</c>).</item>
/// </list>
/// </summary>
internal sealed class SqliteStatementCache : SqliteProviderDecorator
{
    /// <summary>Statements kept per connection. A checkout uses about fifty distinct texts; the whole host a few hundred.</summary>
    public const int Capacity = 256;

    private static readonly Counter<long> Prepares = SqliteWriteGate.Meter.CreateCounter<long>(
        "tandem.sqlite.statements.prepared", "{statement}", "Statements asked of SQLite; tagged by whether a kept one was reused.");

    private static readonly KeyValuePair<string, object?> Hit = new("cache", "hit");

    private static readonly KeyValuePair<string, object?> Miss = new("cache", "miss");

    private static readonly Lock InstallLock = new();

    private static SqliteStatementCache? _installed;

    private readonly ConcurrentDictionary<IntPtr, NativeConnection> _connections = new();

    private SqliteStatementCache(ISQLite3Provider inner)
        : base(inner)
    {
    }

    /// <summary>Whether SQLitePCLRaw goes through the statement cache.</summary>
    public static bool Installed => _installed is not null;

    /// <summary>
    /// Puts the cache in front of the bundled native library for the whole process, once. Microsoft.Data.Sqlite
    /// installs the bundled provider when its connection type is first used, so that is forced first; otherwise it
    /// would replace this one later.
    /// </summary>
    public static void Install()
    {
        lock (InstallLock)
        {
            if (_installed is not null)
            {
                return;
            }

            RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
            var cache = new SqliteStatementCache(new SQLite3Provider_e_sqlite3());
            raw.SetProvider(cache);
            _installed = cache;
        }
    }

    /// <summary>What the cache did for an open connection's native connection so far; null when it has seen none of it.</summary>
    public static CacheStatistics? StatisticsOf(SqliteConnection connection) =>
        connection.Handle is { } handle && _installed?._connections.TryGetValue(handle.DangerousGetHandle(), out var native) == true
            ? native.Statistics
            : null;

    public override int sqlite3_prepare_v2(sqlite3 db, ReadOnlySpan<byte> sql, out IntPtr stmt, out ReadOnlySpan<byte> remain) =>
        Prepare(db, sql, flags: null, out stmt, out remain);

    public override int sqlite3_prepare_v3(sqlite3 db, ReadOnlySpan<byte> sql, uint flags, out IntPtr stmt, out ReadOnlySpan<byte> remain) =>
        Prepare(db, sql, flags, out stmt, out remain);

    public override int sqlite3_finalize(IntPtr stmt)
    {
        if (stmt != IntPtr.Zero
            && _connections.TryGetValue(Inner.sqlite3_db_handle(stmt), out var connection)
            && connection.TryKeep(stmt, Inner))
        {
            return raw.SQLITE_OK;
        }

        return Inner.sqlite3_finalize(stmt);
    }

    public override int sqlite3_close_v2(IntPtr db)
    {
        Forget(db);
        return Inner.sqlite3_close_v2(db);
    }

    public override int sqlite3_close(IntPtr db)
    {
        Forget(db);
        return Inner.sqlite3_close(db);
    }

    private int Prepare(sqlite3 db, ReadOnlySpan<byte> sql, uint? flags, out IntPtr stmt, out ReadOnlySpan<byte> remain)
    {
        var connection = Connection(db);
        if (connection.TryTake(sql, flags, out stmt, out var consumed))
        {
            Prepares.Add(1, Hit);
            remain = sql[consumed..];
            return raw.SQLITE_OK;
        }

        var rc = flags is { } f
            ? Inner.sqlite3_prepare_v3(db, sql, f, out stmt, out remain)
            : Inner.sqlite3_prepare_v2(db, sql, out stmt, out remain);
        if (rc == raw.SQLITE_OK && stmt != IntPtr.Zero)
        {
            Prepares.Add(1, Miss);
            connection.Lend(stmt, sql, flags, sql.Length - remain.Length);
        }

        return rc;
    }

    /// <summary>
    /// Registers a function once per connection; later registrations and removals of the same name and arity only
    /// change where it leads. Microsoft.Data.Sqlite removes a connection's functions and collations when it goes back
    /// to the pool, and EF Core registers them again on every logical open; SQLite expires every statement of the
    /// connection each time one is replaced or removed, so nothing kept would ever be reused.
    /// <list type="bullet">
    /// <item>Statements compiled before a replacement call the new callback, as recompiled ones would.</item>
    /// <item>A removed function answers "no such function" when called, and a removed collation compares as
    /// <c>BINARY</c> does. SQLite still knows their names, so a statement naming them compiles (its call fails, or it
    /// sorts by bytes) where SQLite alone would have refused it.</item>
    /// <item>A function this cache never registered is removed by SQLite as usual.</item>
    /// </list>
    /// </summary>
    public override int sqlite3_create_function(sqlite3 db, byte[] name, int nArg, int flags, object v, delegate_function_scalar func)
    {
        var connection = Connection(db);
        return connection.Redirect(name, nArg, flags, CallbackKind.Scalar, func is null ? null : new Callback(v, func, null, null, null)) switch
        {
            { Outcome: Redirection.Redirected } => raw.SQLITE_OK,
            { Outcome: Redirection.Register, Box: { } box } =>
                connection.Registered(box, Inner.sqlite3_create_function(db, name, nArg, flags, box, CallbackBox.Scalar)),
            _ => Inner.sqlite3_create_function(db, name, nArg, flags, v, func),
        };
    }

    /// <inheritdoc cref="sqlite3_create_function(sqlite3, byte[], int, int, object, delegate_function_scalar)"/>
    public override int sqlite3_create_function(
        sqlite3 db, byte[] name, int nArg, int flags, object v, delegate_function_aggregate_step func_step, delegate_function_aggregate_final func_final)
    {
        var connection = Connection(db);
        var callback = func_step is null || func_final is null ? null : new Callback(v, null, func_step, func_final, null);
        return connection.Redirect(name, nArg, flags, CallbackKind.Aggregate, callback) switch
        {
            { Outcome: Redirection.Redirected } => raw.SQLITE_OK,
            { Outcome: Redirection.Register, Box: { } box } =>
                connection.Registered(box, Inner.sqlite3_create_function(db, name, nArg, flags, box, CallbackBox.Step, CallbackBox.Final)),
            _ => Inner.sqlite3_create_function(db, name, nArg, flags, v, func_step, func_final),
        };
    }

    /// <inheritdoc cref="sqlite3_create_function(sqlite3, byte[], int, int, object, delegate_function_scalar)"/>
    public override int sqlite3_create_collation(sqlite3 db, byte[] name, object v, delegate_collation func)
    {
        var connection = Connection(db);
        return connection.Redirect(name, -1, 0, CallbackKind.Collation, func is null ? null : new Callback(v, null, null, null, func)) switch
        {
            { Outcome: Redirection.Redirected } => raw.SQLITE_OK,
            { Outcome: Redirection.Register, Box: { } box } => connection.Registered(box, Inner.sqlite3_create_collation(db, name, box, CallbackBox.Collation)),
            _ => Inner.sqlite3_create_collation(db, name, v, func),
        };
    }

    private NativeConnection Connection(sqlite3 db) => _connections.GetOrAdd(db.DangerousGetHandle(), static _ => new NativeConnection());

    private void Forget(IntPtr db)
    {
        if (_connections.TryRemove(db, out var connection))
        {
            connection.Close(Inner);
        }
    }

    /// <summary>One native connection's statements: those kept for reuse, and those lent out that may come back.</summary>
    private sealed class NativeConnection
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<byte[], LinkedListNode<Kept>> _kept = new(SqlText.Comparer);
        private readonly Dictionary<byte[], LinkedListNode<Kept>>.AlternateLookup<ReadOnlySpan<byte>> _keptBySpan;
        private readonly LinkedList<Kept> _recency = new();
        private readonly Dictionary<IntPtr, Kept> _lent = [];
        private readonly Dictionary<(string Name, int Arity, int Flags, CallbackKind Kind), CallbackBox> _callbacks = [];
        private bool _closed;
        private long _reused;
        private long _compiled;
        private long _recompiled;

        public NativeConnection() => _keptBySpan = _kept.GetAlternateLookup<ReadOnlySpan<byte>>();

        public CacheStatistics Statistics
        {
            get
            {
                lock (_lock)
                {
                    return new CacheStatistics(_kept.Count, _lent.Count, _reused, _compiled, _recompiled);
                }
            }
        }

        public bool TryTake(ReadOnlySpan<byte> sql, uint? flags, out IntPtr stmt, out int consumed)
        {
            lock (_lock)
            {
                if (!_closed && _keptBySpan.TryGetValue(sql, out var node) && node.Value.Flags == flags)
                {
                    _keptBySpan.Remove(sql);
                    _recency.Remove(node);
                    _lent[node.Value.Stmt] = node.Value;
                    _reused++;
                    (stmt, consumed) = (node.Value.Stmt, node.Value.Consumed);
                    return true;
                }
            }

            (stmt, consumed) = (IntPtr.Zero, 0);
            return false;
        }

        public void Lend(IntPtr stmt, ReadOnlySpan<byte> sql, uint? flags, int consumed)
        {
            var kept = new Kept(sql.ToArray(), flags, stmt, consumed);
            lock (_lock)
            {
                _compiled++;
                if (!_closed)
                {
                    _lent[stmt] = kept;
                }
            }
        }

        /// <summary>Keeps a statement its caller finalizes; false when it is not this cache's to keep (the caller finalizes it).</summary>
        public bool TryKeep(IntPtr stmt, ISQLite3Provider native)
        {
            lock (_lock)
            {
                if (_closed || !_lent.Remove(stmt, out var kept) || _kept.ContainsKey(kept.Sql))
                {
                    return false;
                }

                // A finalized statement may have stopped half way through its rows, or failed: reset ends its read
                // transaction; its result code repeats the last step's, which its caller has already seen.
                _ = Native.sqlite3_reset(stmt);
                _ = Native.sqlite3_clear_bindings(stmt);
                _recompiled += Native.sqlite3_stmt_status(stmt, StatusRecompiled, resetFlg: 1);
                _kept[kept.Sql] = _recency.AddFirst(kept);
                if (_kept.Count > Capacity && _recency.Last is { } oldest)
                {
                    _recency.RemoveLast();
                    _kept.Remove(oldest.Value.Sql);
                    _ = native.sqlite3_finalize(oldest.Value.Stmt);
                }
            }

            return true;
        }

        /// <summary>
        /// Points a function or collation registered through this cache at its new callback (none: removed); or
        /// gives the box to register with SQLite when it is new here; or leaves a removal of one it never saw to SQLite.
        /// A box registered once stays registered until the connection closes, so SQLite never replaces it.
        /// </summary>
        public (Redirection Outcome, CallbackBox? Box) Redirect(byte[] name, int arity, int flags, CallbackKind kind, Callback? callback)
        {
            var key = (Encoding.UTF8.GetString(name.AsSpan().TrimEnd((byte)0)), arity, flags, kind);
            lock (_lock)
            {
                if (_callbacks.TryGetValue(key, out var box))
                {
                    box.Current = callback;
                    return (Redirection.Redirected, null);
                }

                return callback is null
                    ? (Redirection.PassOn, null)
                    : (Redirection.Register, _callbacks[key] = new CallbackBox(key) { Current = callback });
            }
        }

        /// <summary>Forgets a box SQLite refused, so the next registration tries again.</summary>
        public int Registered(CallbackBox box, int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                lock (_lock)
                {
                    _callbacks.Remove(box.Key);
                }
            }

            return rc;
        }

        /// <summary>Finalizes what is kept; from now on every statement of this connection is finalized for real.</summary>
        public void Close(ISQLite3Provider native)
        {
            lock (_lock)
            {
                _closed = true;
                foreach (var kept in _recency)
                {
                    _ = native.sqlite3_finalize(kept.Stmt);
                }

                _recency.Clear();
                _kept.Clear();
                _lent.Clear();
            }
        }
    }

    private enum CallbackKind
    {
        Scalar,
        Aggregate,
        Collation,
    }

    private enum Redirection
    {
        /// <summary>Known here: only its target changed, SQLite is not told.</summary>
        Redirected,

        /// <summary>New here: register the box with SQLite.</summary>
        Register,

        /// <summary>Not this cache's: SQLite handles the call as it is.</summary>
        PassOn,
    }

    /// <summary>One registration's callback (a scalar function, an aggregate's two, or a collation) and its state.</summary>
    private sealed record Callback(
        object State, delegate_function_scalar? Scalar, delegate_function_aggregate_step? Step, delegate_function_aggregate_final? Final,
        delegate_collation? Collation);

    /// <summary>What SQLite holds for a function or collation: it passes each call on to the latest registration.</summary>
    private sealed class CallbackBox((string Name, int Arity, int Flags, CallbackKind Kind) key)
    {
        public static readonly delegate_function_scalar Scalar = (ctx, box, args) =>
        {
            if (((CallbackBox)box).Current is { Scalar: { } scalar } current)
            {
                scalar(ctx, current.State, args);
            }
            else
            {
                ((CallbackBox)box).Missing(ctx);
            }
        };

        public static readonly delegate_function_aggregate_step Step = (ctx, box, args) =>
        {
            if (((CallbackBox)box).Current is { Step: { } step } current)
            {
                step(ctx, current.State, args);
            }
            else
            {
                ((CallbackBox)box).Missing(ctx);
            }
        };

        public static readonly delegate_function_aggregate_final Final = (ctx, box) =>
        {
            if (((CallbackBox)box).Current is { Final: { } final } current)
            {
                final(ctx, current.State);
            }
            else
            {
                ((CallbackBox)box).Missing(ctx);
            }
        };

        public static readonly delegate_collation Collation = (box, x, y) =>
            ((CallbackBox)box).Current is { Collation: { } collation } current ? collation(current.State, x, y) : x.SequenceCompareTo(y);

        public (string Name, int Arity, int Flags, CallbackKind Kind) Key { get; } = key;

        public Callback? Current { get => Volatile.Read(ref field); set => Volatile.Write(ref field, value); }

        private void Missing(sqlite3_context ctx) => raw.sqlite3_result_error(ctx, $"no such function: {Key.Name}");
    }

    /// <summary>
    /// A native connection's statements: kept for reuse, lent out now, prepares answered from the cache or compiled,
    /// and how often SQLite had to recompile a statement it ran (a change of schema, or something that expired it).
    /// </summary>
    internal readonly record struct CacheStatistics(int Kept, int Lent, long Reused, long Compiled, long Recompiled);

    private sealed record Kept(byte[] Sql, uint? Flags, IntPtr Stmt, int Consumed);

    /// <summary>Compares SQL texts by their UTF-8 bytes, also when the text to look up is a span of the caller's buffer.</summary>
    private sealed class SqlText : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly SqlText Comparer = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> text)
        {
            var hash = new HashCode();
            hash.AddBytes(text);
            return hash.ToHashCode();
        }
    }

    /// <summary><c>SQLITE_STMTSTATUS_REPREPARE</c>: how many times SQLite recompiled a statement by itself.</summary>
    private const int StatusRecompiled = 5;

    /// <summary>Calls the provider interface offers only on a handle object, which a finalized statement no longer has.</summary>
    private static class Native
    {
        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        public static extern int sqlite3_stmt_status(IntPtr stmt, int op, int resetFlg);

        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        public static extern int sqlite3_reset(IntPtr stmt);

        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        public static extern int sqlite3_clear_bindings(IntPtr stmt);
    }
}
