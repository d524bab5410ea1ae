using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Ordering;

/// <summary>
/// A keyed request's transaction (and on SQLite the write lock) begins at its first write, not before its reads;
/// a write that would slip past it, outside any transaction, is refused rather than committed without the key.
/// </summary>
public abstract class DeferredTransactionTests(TandemApp app) : ShopTest(app)
{
    [Fact]
    public async Task Reads_run_outside_the_deferred_transaction_and_the_first_unit_of_work_begins_it()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var begun = 0;
        db.DeferredBegin = async ct =>
        {
            begun++;
            await db.Database.BeginTransactionAsync(ct);
        };

        await db.Set<IdempotencyRecord>().CountAsync(Ct);
        db.Database.CurrentTransaction.ShouldBeNull("a read does not begin the transaction");
        begun.ShouldBe(0);

        // A bare bulk write would commit on its own, without the request's key: refused before it reaches the database.
        var bare = await Should.ThrowAsync<InvalidOperationException>(() =>
            db.Set<IdempotencyRecord>().Where(r => r.Key == "nobody").ExecuteDeleteAsync(Ct));
        bare.Message.ShouldContain("outside the request's transaction");
        db.Database.CurrentTransaction.ShouldBeNull();

        await using (var work = await UnitOfWork.BeginAsync(db, Ct))
        {
            begun.ShouldBe(1);
            db.Database.CurrentTransaction.ShouldNotBeNull();
            work.Joined.ShouldBeTrue("the unit of work joins the transaction the deferred begin opened");
            db.DeferredBegin.ShouldBeNull();
            await db.Set<IdempotencyRecord>().Where(r => r.Key == "nobody").ExecuteDeleteAsync(Ct);
            await work.CommitAsync(Ct);
        }

        await using (await UnitOfWork.BeginAsync(db, Ct))
        {
            begun.ShouldBe(1, "the deferred transaction begins once");
        }

        await db.Database.RollbackTransactionAsync(Ct);
    }

    [Fact]
    public async Task SaveChanges_begins_the_deferred_transaction_first()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var begun = 0;
        db.DeferredBegin = async ct =>
        {
            begun++;
            await db.Database.BeginTransactionAsync(ct);
        };

        await db.SaveChangesAsync(Ct);
        begun.ShouldBe(1);
        db.Database.CurrentTransaction.ShouldNotBeNull();
        await db.Database.RollbackTransactionAsync(Ct);
    }
}

public sealed class DeferredTransactionTests_Sqlite(SqliteApp app) : DeferredTransactionTests(app);

public sealed class DeferredTransactionTests_Postgres(PostgresApp app) : DeferredTransactionTests(app);
