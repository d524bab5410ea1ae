using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Tandem.Kernel.Persistence;

namespace Tandem.Tests.Kernel;

/// <summary>
/// A hot path's compiled query serves every model of its context type in the process: EF Core binds a compiled query
/// to the first model it ran with, and the host's SQLite and PostgreSQL models (the tests run both) are two models.
/// </summary>
public sealed class CompiledQueryTests
{
    private sealed class Thing
    {
        public int Id { get; set; }

        public string Name { get; set; } = "";
    }

    /// <summary>One context type whose model depends on its table name, as TandemDbContext's depends on its provider.</summary>
    private sealed class Things(DbContextOptions<Things> options, string table) : DbContext(options)
    {
        public string Table => table;

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Thing>().ToTable(table);
    }

    private sealed class ByTable : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) => (((Things)context).Table, designTime);
    }

    private static readonly CompiledQuery<Func<Things, int, CancellationToken, Task<string?>>> NameById = new(() =>
        EF.CompileAsyncQuery((Things db, int id, CancellationToken ct) => db.Set<Thing>().Where(t => t.Id == id).Select(t => t.Name).FirstOrDefault()));

    private static async Task<Things> OpenAsync(SqliteConnection connection, string table, string name)
    {
        var options = new DbContextOptionsBuilder<Things>()
            .UseSqlite(connection)
            .ReplaceService<IModelCacheKeyFactory, ByTable>()
            .Options;
        var db = new Things(options, table);
        var ct = TestContext.Current.CancellationToken;
        await db.Database.EnsureCreatedAsync(ct);
        db.Add(new Thing { Id = 1, Name = name });
        await db.SaveChangesAsync(ct);
        return db;
    }

    [Fact]
    public async Task One_compiled_query_runs_against_two_models_of_the_same_context_type()
    {
        await using var first = new SqliteConnection("Data Source=:memory:");
        await using var second = new SqliteConnection("Data Source=:memory:");
        var ct = TestContext.Current.CancellationToken;
        await first.OpenAsync(ct);
        await second.OpenAsync(ct);
        await using var shelves = await OpenAsync(first, "shelves", "苹果");
        await using var crates = await OpenAsync(second, "crates", "梨");
        shelves.Model.ShouldNotBeSameAs(crates.Model);

        // Without a compilation per model the second call throws "executed with a different model".
        (await NameById.For(shelves)(shelves, 1, ct)).ShouldBe("苹果");
        (await NameById.For(crates)(crates, 1, ct)).ShouldBe("梨");
        (await NameById.For(shelves)(shelves, 2, ct)).ShouldBeNull();

        NameById.For(shelves).ShouldBeSameAs(NameById.For(shelves));
        NameById.For(crates).ShouldNotBeSameAs(NameById.For(shelves));
    }
}
