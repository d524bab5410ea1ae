using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Kernel;

/// <summary>
/// A keyed request's transaction begins at its first write (TandemDbContext.DeferTransaction): reads before it run
/// outside any transaction, the first unit of work begins it without a savepoint, undoing that unit defers it again, and
/// a write that would slip past it is refused. Run on the host's own context, on SQLite and PostgreSQL.
/// </summary>
public abstract class DeferredTransactionTests(TandemApp app) : ApiTest(app)
{
    private static ProcessedEvent Row(string handler) => new() { EventId = Guid.NewGuid(), Handler = handler, ProcessedAt = DateTime.UtcNow };

    /// <summary>Adds the row in a unit of work of its own and commits the unit (into the request's transaction).</summary>
    private async Task SaveInUnitAsync(TandemDbContext db, ProcessedEvent row)
    {
        await using var work = await UnitOfWork.BeginAsync(db, Ct);
        db.Add(row);
        await work.CommitAsync(Ct);
    }

    private async Task<bool> ExistsAsync(ProcessedEvent row)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        return await db.Set<ProcessedEvent>().AnyAsync(p => p.EventId == row.EventId && p.Handler == row.Handler, Ct);
    }

    [Fact]
    public async Task Reads_run_outside_and_the_first_unit_of_work_begins_the_transaction()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        db.DeferTransaction();

        await db.Set<ProcessedEvent>().AnyAsync(Ct);
        db.Database.CurrentTransaction.ShouldBeNull();
        db.TransactionDeferred.ShouldBeTrue();

        var row = Row("deferred-commit");
        await using (var work = await UnitOfWork.BeginAsync(db, Ct))
        {
            db.Database.CurrentTransaction.ShouldNotBeNull();
            db.TransactionDeferred.ShouldBeFalse();
            db.Add(row);
            await work.CommitAsync(Ct);
        }

        // The unit joined the request's transaction: saved, not committed, until the owner commits.
        db.Database.CurrentTransaction.ShouldNotBeNull();
        (await ExistsAsync(row)).ShouldBeFalse();
        await db.Database.CommitTransactionAsync(Ct);
        (await ExistsAsync(row)).ShouldBeTrue();
    }

    [Fact]
    public async Task Undoing_the_first_unit_of_work_defers_the_transaction_again_and_the_next_unit_commits_alone()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        db.DeferTransaction();

        var undone = Row("deferred-undone");
        await using (var work = await UnitOfWork.BeginAsync(db, Ct))
        {
            db.Add(undone);
            await db.SaveChangesAsync(Ct);
            await work.RollbackAsync(Ct);
        }

        db.Database.CurrentTransaction.ShouldBeNull();
        db.TransactionDeferred.ShouldBeTrue();

        var kept = Row("deferred-kept");
        await SaveInUnitAsync(db, kept);

        await db.Database.CommitTransactionAsync(Ct);
        (await ExistsAsync(undone)).ShouldBeFalse();
        (await ExistsAsync(kept)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_later_unit_of_work_joins_through_a_savepoint_and_undoes_only_itself()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        db.DeferTransaction();

        var first = Row("deferred-first");
        await SaveInUnitAsync(db, first);

        var second = Row("deferred-second");
        await using (var work = await UnitOfWork.BeginAsync(db, Ct))
        {
            await db.InsertAsync([second], Ct);
            await work.RollbackAsync(Ct);
        }

        db.TransactionDeferred.ShouldBeFalse();
        await db.Database.CommitTransactionAsync(Ct);
        (await ExistsAsync(first)).ShouldBeTrue();
        (await ExistsAsync(second)).ShouldBeFalse();
    }

    [Fact]
    public async Task Saving_or_inserting_rows_begins_the_transaction_too()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();

        db.DeferTransaction();
        var saved = Row("deferred-saved");
        db.Add(saved);
        await db.SaveChangesAsync(Ct);
        db.Database.CurrentTransaction.ShouldNotBeNull();
        await db.Database.RollbackTransactionAsync(Ct);
        db.ChangeTracker.Clear();

        db.DeferTransaction();
        var inserted = Row("deferred-inserted");
        await db.InsertAsync([inserted], Ct);
        db.Database.CurrentTransaction.ShouldNotBeNull();
        await db.Database.RollbackTransactionAsync(Ct);

        (await ExistsAsync(saved)).ShouldBeFalse();
        (await ExistsAsync(inserted)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_write_that_would_run_outside_the_deferred_transaction_is_refused_and_changes_nothing()
    {
        var row = Row("deferred-guarded");
        await using (var setup = App.Services.CreateAsyncScope())
        {
            var seed = setup.ServiceProvider.GetRequiredService<TandemDbContext>();
            seed.Add(row);
            await seed.SaveChangesAsync(Ct);
        }

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        db.DeferTransaction();
        var refused = await Should.ThrowAsync<InvalidOperationException>(() =>
            db.Set<ProcessedEvent>().Where(p => p.EventId == row.EventId).ExecuteDeleteAsync(Ct));
        refused.Message.ShouldContain("UnitOfWork");
        (await ExistsAsync(row)).ShouldBeTrue();

        // Inside a unit of work the same statement runs, in the transaction.
        await using (var work = await UnitOfWork.BeginAsync(db, Ct))
        {
            (await db.Set<ProcessedEvent>().Where(p => p.EventId == row.EventId).ExecuteDeleteAsync(Ct)).ShouldBe(1);
            await work.CommitAsync(Ct);
        }

        await db.Database.CommitTransactionAsync(Ct);
        (await ExistsAsync(row)).ShouldBeFalse();
    }
}

public sealed class DeferredTransactionTests_Sqlite(SqliteApp app) : DeferredTransactionTests(app);

public sealed class DeferredTransactionTests_Postgres(PostgresApp app) : DeferredTransactionTests(app);
