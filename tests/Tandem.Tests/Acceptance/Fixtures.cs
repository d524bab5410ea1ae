using Npgsql;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Acceptance;

/// <summary>A private SQLite database for a fixture of its own: settings, and clean-up afterwards.</summary>
public sealed class PrivateSqliteDatabase
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tandem-tests", Guid.NewGuid().ToString("N"));

    public IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Tandem:Database:Provider", "Sqlite"),
        new("Tandem:DataDirectory", _directory),
    ];

    public void Delete()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>A private PostgreSQL database (on the <c>TANDEM_TEST_POSTGRES</c> server) for a fixture of its own.</summary>
public sealed class PrivatePostgresDatabase(string prefix)
{
    private readonly string? _server = Environment.GetEnvironmentVariable("TANDEM_TEST_POSTGRES");
    private readonly string _database = $"{prefix}_{Guid.NewGuid():N}";

    public string? Unavailable => string.IsNullOrWhiteSpace(_server) ? "TANDEM_TEST_POSTGRES is not set: run ./test.sh, which starts PostgreSQL." : null;

    public IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Tandem:Database:Provider", "Postgres"),
        new("ConnectionStrings:Tandem", new NpgsqlConnectionStringBuilder(_server) { Database = _database, MaxPoolSize = 100 }.ToString()),
    ];

    public async Task DropAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// A host whose unpaid orders expire after <see cref="PaymentTimeout"/>, swept every quarter second:
/// for expiry tests and the concurrency test, where orders expire while others are placed.
/// </summary>
public abstract class ShortTimeoutApp : TandemApp
{
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(2);

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Tandem:Orders:PaymentTimeout", "00:00:02"),
        new("Tandem:Orders:SweepInterval", "00:00:00.250"),
    ];
}

public sealed class ShortTimeoutSqliteApp : ShortTimeoutApp
{
    private readonly PrivateSqliteDatabase _database = new();

    public override string Provider => "sqlite";

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() => _database.Settings();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }
}

public sealed class ShortTimeoutPostgresApp : ShortTimeoutApp
{
    private readonly PrivatePostgresDatabase _database = new("tandem_expiry");

    public ShortTimeoutPostgresApp() => Unavailable = _database.Unavailable;

    public override string Provider => "postgres";

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() => _database.Settings();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DropAsync();
    }
}
