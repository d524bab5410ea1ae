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
