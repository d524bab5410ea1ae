using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

[assembly: AssemblyFixture(typeof(Tandem.Tests.Infrastructure.SqliteApp))]
[assembly: AssemblyFixture(typeof(Tandem.Tests.Infrastructure.PostgresApp))]

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// The real host on a loopback port, on a fresh database of one provider, with real migrations.
/// One per provider for the whole run; tests keep apart by creating their own users and merchants.
/// </summary>
public abstract class TandemApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string SandboxSecret = "test-sandbox-secret";

    public abstract string Provider { get; }

    /// <summary>Why this provider cannot run here, or null when it can.</summary>
    public string? Unavailable { get; protected set; }

    protected abstract IEnumerable<KeyValuePair<string, string?>> DatabaseSettings();

    /// <summary>Extra settings a derived fixture needs (e.g. rate limits on).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in DatabaseSettings().Concat(
        [
            new("Tandem:SeedDemo", "false"),
            new("Tandem:RateLimits:Enabled", "false"),
            new("Tandem:Payments:Sandbox:Secret", SandboxSecret),
            new("Logging:LogLevel:Default", "Warning"),
            // Races the code expects and handles (a unique key taken by a concurrent request) fail a command;
            // EF logs each at Error with its SQL. An unhandled one is still logged by the host's error handler.
            new("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "None"),
            new("Logging:LogLevel:Microsoft.EntityFrameworkCore.Update", "None"),
            new("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Transaction", "None"),
        ]).Concat(ExtraSettings()))
        {
            builder.UseSetting(key, value);
        }
    }

    public virtual async ValueTask InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        BaseAddress = new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        await Task.CompletedTask;
    }

    /// <summary>The real loopback address the host listens on.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1");

    /// <summary>A client with no token.</summary>
    public HttpClient Anonymous()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseAddress });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }
}

public class SqliteApp : TandemApp
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tandem-tests", Guid.NewGuid().ToString("N"));

    public override string Provider => "sqlite";

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() =>
    [
        new("Tandem:Database:Provider", "Sqlite"),
        new("Tandem:DataDirectory", _directory),
    ];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
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

/// <summary>
/// PostgreSQL from <c>TANDEM_TEST_POSTGRES</c> (a server connection string; ./test.sh starts one).
/// Each run gets its own database, dropped afterwards.
/// </summary>
public class PostgresApp : TandemApp
{
    private readonly string? _server = Environment.GetEnvironmentVariable("TANDEM_TEST_POSTGRES");
    private readonly string _database = $"tandem_test_{Guid.NewGuid():N}";

    public PostgresApp()
    {
        if (string.IsNullOrWhiteSpace(_server))
        {
            Unavailable = "TANDEM_TEST_POSTGRES is not set: run ./test.sh, which starts PostgreSQL.";
        }
    }

    public override string Provider => "postgres";

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _database, MaxPoolSize = 200 }.ToString();

    protected override IEnumerable<KeyValuePair<string, string?>> DatabaseSettings() =>
    [
        new("Tandem:Database:Provider", "Postgres"),
        new("ConnectionStrings:Tandem", ConnectionString),
    ];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
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
