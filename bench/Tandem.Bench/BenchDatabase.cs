using Npgsql;

namespace Tandem.Bench;

public enum BenchProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The database one scenario run uses: SQLite (a fresh file in the host's data directory) or a fresh
/// PostgreSQL database on the server named by <c>--connection</c> or <c>TANDEM_BENCH_POSTGRES</c>, dropped afterwards
/// (also when the run is stopped by a signal: <see cref="BenchCleanup"/>).
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    public const string PostgresServerVariable = "TANDEM_BENCH_POSTGRES";

    private readonly string? _server;
    private readonly string? _database;
    private readonly IDisposable? _cleanup;

    private BenchDatabase(BenchProvider provider, string? server)
    {
        Provider = provider;
        if (provider == BenchProvider.Postgres)
        {
            _server = server ?? throw new InvalidOperationException($"PostgreSQL needs --connection or {PostgresServerVariable}.");
            _database = $"tandem_bench_{Guid.NewGuid():N}";
            ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = _database, MaxPoolSize = 100 }.ToString();
            _cleanup = BenchCleanup.Register($"drop database {_database}", () => DisposeAsync().AsTask());
        }
    }

    public BenchProvider Provider { get; }

    public string Name => Provider == BenchProvider.Postgres ? "postgres" : "sqlite";

    /// <summary>The PostgreSQL connection string of this run's database (empty for SQLite: the host picks its file).</summary>
    public string ConnectionString { get; } = "";

    public static BenchDatabase Create(BenchProvider provider, string? server) => new(provider, server);

    /// <summary>
    /// The providers to run: <c>--provider sqlite|postgres</c>, or SQLite plus PostgreSQL when a server
    /// is known (<c>--connection</c> or <c>TANDEM_BENCH_POSTGRES</c>).
    /// </summary>
    public static IReadOnlyList<(BenchProvider Provider, string? Server)> FromArgs(string[] args)
    {
        var server = Stats.Option(args, "--connection", Environment.GetEnvironmentVariable(PostgresServerVariable) ?? "");
        var serverOrNull = string.IsNullOrWhiteSpace(server) ? null : server;
        return Stats.Option(args, "--provider", "").ToLowerInvariant() switch
        {
            "sqlite" => [(BenchProvider.Sqlite, null)],
            "postgres" or "postgresql" => [(BenchProvider.Postgres, serverOrNull ?? throw new ArgumentException($"--provider postgres needs --connection or {PostgresServerVariable}."))],
            "" => serverOrNull is null ? [(BenchProvider.Sqlite, null)] : [(BenchProvider.Sqlite, null), (BenchProvider.Postgres, serverOrNull)],
            var other => throw new ArgumentException($"Unknown provider '{other}': use sqlite or postgres."),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
        _cleanup?.Dispose();
    }
}
