using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Tandem.Kernel.Persistence;

/// <summary>
/// The one unit of work. Every module maps its own entities into it through an
/// <see cref="IModuleModel"/>, so an order, its reservation and its outbox event commit together.
/// The models come with the options (<see cref="ModuleModels.WithModules"/>): a context that needs nothing but its
/// options can be pooled, and every request, callback and outbox handler takes one.
/// </summary>
public sealed class TandemDbContext(DbContextOptions<TandemDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    private readonly IReadOnlyList<IModuleModel> _modules = options.FindExtension<ModuleModels>()?.Modules
        ?? throw new InvalidOperationException("TandemDbContext needs the modules' models: configure its options with WithModules(...).");

    /// <summary>Data Protection keys live in the database so every host agrees on tokens and cookies.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>True while the request's transaction waits for its first write (<see cref="DeferTransaction"/>).</summary>
    public bool TransactionDeferred { get; private set; }

    /// <summary>
    /// Lets the transaction a request will need begin at its first write instead of now: when a unit of work begins,
    /// changes are saved or rows are inserted. What the request reads before that it reads outside the transaction, as
    /// it would without one; on SQLite such reads then do not hold the one write lock. A write by other means meanwhile
    /// (<c>ExecuteUpdate</c>, raw SQL) is refused (<see cref="DeferredTransactionGuard"/>), since it would run outside
    /// the transaction.
    /// </summary>
    public void DeferTransaction()
    {
        if (Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A transaction is open already.");
        }

        TransactionDeferred = true;
    }

    /// <summary>Drops a deferred transaction that was never needed.</summary>
    public void CancelDeferredTransaction() => TransactionDeferred = false;

    /// <summary>Begins the deferred transaction; false when none was waiting.</summary>
    public async ValueTask<bool> BeginDeferredTransactionAsync(CancellationToken ct)
    {
        if (!TransactionDeferred)
        {
            return false;
        }

        await Database.BeginTransactionAsync(ct);
        TransactionDeferred = false;
        return true;
    }

    /// <summary>Rolls back a transaction begun at the first write and defers it again, as if nothing had been written.</summary>
    public async Task DeferAgainAsync()
    {
        if (Database.CurrentTransaction is not null)
        {
            await Database.RollbackTransactionAsync(CancellationToken.None);
        }

        TransactionDeferred = true;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        await BeginDeferredTransactionAsync(cancellationToken);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // A pooled context goes back to the pool without a deferral, whatever its last user left.
    public override void Dispose()
    {
        TransactionDeferred = false;
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        TransactionDeferred = false;
        return base.DisposeAsync();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => TransactionDeferred
        ? throw new InvalidOperationException("This request's transaction begins at its first write; save with SaveChangesAsync.")
        : base.SaveChanges(acceptAllChangesOnSuccess);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var tables = new ModuleTables(IsPostgres);
        foreach (var module in _modules.OrderBy(m => m.Schema, StringComparer.Ordinal))
        {
            module.Configure(modelBuilder, tables.For(module.Schema));
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite hands DateTime back as Unspecified; Npgsql refuses anything but UTC for timestamptz.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

}

/// <summary>Stores and reads every <see cref="DateTime"/> as UTC (SQLite hands back Unspecified; Npgsql wants UTC).</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

/// <summary>What a module contributes to the shared model: its entity configurations under its own table prefix.</summary>
public interface IModuleModel
{
    /// <summary>The module's schema on PostgreSQL and table prefix on SQLite, lower case.</summary>
    string Schema { get; }

    void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables);
}

/// <summary>Names a module's tables: a schema on PostgreSQL, a prefix on SQLite (which has no schemas).</summary>
public sealed class ModuleTables(bool postgres)
{
    public Naming For(string schema) => new(schema, postgres);

    public sealed record Naming(string Schema, bool Postgres)
    {
        public string? SchemaName => Postgres ? Schema : null;

        public string Table(string name) => Postgres ? name : $"{Schema}_{name}";

        /// <summary>The quoted, fully-qualified name for the rare raw SQL statement.</summary>
        public string Qualified(string name) => Postgres ? $"\"{Schema}\".\"{name}\"" : $"\"{Schema}_{name}\"";
    }
}

public static class EntityTypeBuilderExtensions
{
    /// <summary>Maps the entity to the module's table (schema on PostgreSQL, prefix on SQLite).</summary>
    public static Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> ToModuleTable<T>(
        this Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> builder, ModuleTables.Naming tables, string name)
        where T : class
    {
        builder.ToTable(tables.Table(name), tables.SchemaName);
        return builder;
    }
}
