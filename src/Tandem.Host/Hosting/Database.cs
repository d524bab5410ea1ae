using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tandem.Kernel.Persistence;
using Tandem.Payments.Sandbox;

namespace Tandem.Host.Hosting;

internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Chooses SQLite (embedded default) or PostgreSQL, each with its own migration history.</summary>
internal static class Database
{
    public static DatabaseProvider Provider(IConfiguration configuration) =>
        configuration["Tandem:Database:Provider"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            var other => throw new InvalidOperationException($"Tandem:Database:Provider '{other}' is not supported; use Sqlite or Postgres."),
        };

    /// <summary>
    /// Where local state lives. The README command runs from the repository root, so its
    /// <c>data/</c> is used; a published host uses <c>data/</c> under its working directory.
    /// </summary>
    public static string DataDirectory(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["Tandem:DataDirectory"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        if (environment.IsDevelopment())
        {
            for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Tandem.slnx")))
                {
                    return Path.Combine(dir.FullName, "data");
                }
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "data");
    }

    public static IServiceCollection AddTandemDatabase(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var provider = Provider(configuration);
        string connectionString;
        string sandboxConnectionString;
        if (provider == DatabaseProvider.Sqlite)
        {
            if (configuration.GetValue("Tandem:Database:StatementCache", defaultValue: true))
            {
                SqliteStatementCache.Install();
            }

            var dataDirectory = DataDirectory(configuration, environment);
            Directory.CreateDirectory(dataDirectory);
            connectionString = configuration.GetConnectionString("Tandem") is { Length: > 0 } cs && cs.Contains("Data Source", StringComparison.OrdinalIgnoreCase)
                ? cs
                : new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(dataDirectory, "tandem.db"),
                    Pooling = true,
                    DefaultTimeout = 30,
                }.ToString();

            // The sandbox provider's books: a file of their own beside Tandem's, so their commits take their own lock.
            sandboxConnectionString = configuration.GetConnectionString("Sandbox") is { Length: > 0 } sandbox
                ? sandbox
                : new SqliteConnectionStringBuilder(connectionString)
                {
                    DataSource = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource)) ?? dataDirectory, "sandbox.db"),
                }.ToString();
        }
        else
        {
            connectionString = WithConnectionDefaults(configuration.GetConnectionString("Tandem")
                ?? throw new InvalidOperationException("Tandem:Database:Provider is Postgres but ConnectionStrings:Tandem is not set."));
            sandboxConnectionString = configuration.GetConnectionString("Sandbox") is { Length: > 0 } sandbox ? WithConnectionDefaults(sandbox) : connectionString;
        }

        AddContext<TandemDbContext>(services, provider, connectionString, database: "tandem", historySchema: null, waitForDisk: true,
            (sp, options) => ModuleModels.WithModules(options, sp.GetServices<IModuleModel>()).AddInterceptors(DeferredTransactionGuard.Instance));
        // The sandbox's books: on SQLite another file, with its own single writer and so its own gate. They stand in for
        // another company's system, so their commits do not wait for the disk (docs/decisions/0026).
        AddContext<SandboxDbContext>(services, provider, sandboxConnectionString, database: "sandbox", historySchema: SandboxDbContext.Schema,
            waitForDisk: false);
        services.AddSingleton(new DatabaseInfo(provider, connectionString, sandboxConnectionString));
        return services;
    }

    /// <summary>
    /// The Npgsql settings Tandem's load wants, each applied only where the operator's connection string does not set
    /// it. <c>Max Auto Prepare</c>: Npgsql prepares the statements a connection runs again and again (a checkout is
    /// some thirty, the same every time), so PostgreSQL parses and plans each once per connection instead of on every
    /// execution (0 turns it off, e.g. behind a transaction-mode pooler). <c>No Reset On Close</c>: a connection going
    /// back to the pool is not reset. Npgsql's reset is seven statements that PostgreSQL runs before the next use (it
    /// keeps prepared statements, so it cannot use <c>DISCARD ALL</c>), and a checkout returns a connection about
    /// thirteen times. Tandem leaves no session state to reset: no temporary tables, session settings, session
    /// advisory locks or <c>LISTEN</c>; a setting a transaction needs is made with <c>SET LOCAL</c>.
    /// </summary>
    internal static string WithConnectionDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets(builder, "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!Sets(builder, "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// The sandbox provider's connections to PostgreSQL: a commit returns before its WAL record is flushed
    /// (<c>synchronous_commit = off</c>), unless the connection string's own options set it. A crash of the database
    /// server can take back the last sandbox commits, never corrupt them; Tandem's own data keeps waiting for the disk
    /// (docs/decisions/0026).
    /// </summary>
    internal static string WithoutWaitingForDisk(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("synchronous_commit", StringComparison.OrdinalIgnoreCase) != true)
        {
            builder.Options = string.Join(' ', new[] { builder.Options, "-c synchronous_commit=off" }.Where(o => !string.IsNullOrWhiteSpace(o)));
        }

        return builder.ConnectionString;
    }

    private static bool Sets(NpgsqlConnectionStringBuilder builder, string key) =>
        builder.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals(key, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Registers a pooled context: a request (and each callback, outbox handler and background pass) takes a context
    /// whose EF Core services are already resolved, and gives it back cleared. Setting up a fresh context cost about
    /// 90 µs of CPU, and a checkout takes several.
    /// </summary>
    private static void AddContext<TContext>(
        IServiceCollection services, DatabaseProvider provider, string connectionString, string database, string? historySchema, bool waitForDisk,
        Action<IServiceProvider, DbContextOptionsBuilder>? more = null)
        where TContext : DbContext
    {
        // One interceptor instance for every context of a file: EF Core keys its internal service provider on the
        // options, so a new instance per context would build a new provider each time.
        var settings = new SqliteConnectionSettings(busyTimeoutMs: 30_000, waitForDisk);
        var writeGate = new SqliteWriteGate(patience: TimeSpan.FromSeconds(30), database);
        services.AddDbContextPool<TContext>((sp, options) =>
        {
            more?.Invoke(sp, options);
            if (provider == DatabaseProvider.Sqlite)
            {
                options.UseSqlite(connectionString, o => o.MigrationsAssembly("Tandem.Migrations.Sqlite"))
                    .AddInterceptors(settings, writeGate);
            }
            else
            {
                options.UseNpgsql(waitForDisk ? connectionString : WithoutWaitingForDisk(connectionString), o =>
                {
                    o.MigrationsAssembly("Tandem.Migrations.Postgres");
                    if (historySchema is not null)
                    {
                        o.MigrationsHistoryTable("__EFMigrationsHistory", historySchema);
                    }
                });
            }
        });
    }
}

internal sealed record DatabaseInfo(DatabaseProvider Provider, string ConnectionString, string SandboxConnectionString);
