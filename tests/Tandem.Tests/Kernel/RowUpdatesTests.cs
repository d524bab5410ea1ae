using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Kernel;

/// <summary>
/// RowUpdates writes values the way EF Core reads them back (conversions, dates, nulls), changes only the rows its
/// conditions match, and refuses a condition on NULL. On the host's own context, on SQLite and PostgreSQL.
/// </summary>
public abstract class RowUpdatesTests(TandemApp app) : ApiTest(app)
{
    // Parked, so the host's outbox dispatcher leaves the test's rows alone.
    private static OutboxMessage Parked() => new()
    {
        Id = Guid.CreateVersion7(),
        Type = "test.row-updates",
        Payload = "{}",
        OccurredAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        NextAttemptAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        ParkedAt = new DateTime(2026, 1, 2, 3, 4, 6, DateTimeKind.Utc),
        LastError = "before",
    };

    [Fact]
    public async Task An_update_sets_what_EF_Core_reads_back_on_the_matching_row_only()
    {
        var (target, other) = (Parked(), Parked());
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            await db.InsertAsync([target, other], Ct);
            await transaction.CommitAsync(Ct);
        }

        var lockedUntil = new DateTime(2026, 11, 28, 12, 30, 45, 123, DateTimeKind.Utc).AddTicks(4567);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            var changed = await db.UpdateAsync<OutboxMessage>(
                set: [(nameof(OutboxMessage.Attempts), 3), (nameof(OutboxMessage.LockedUntil), lockedUntil), (nameof(OutboxMessage.LastError), null)],
                where: [(nameof(OutboxMessage.Id), target.Id), (nameof(OutboxMessage.Type), target.Type)],
                Ct);
            changed.ShouldBe(1);
            await transaction.CommitAsync(Ct);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            var rows = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Id == target.Id || m.Id == other.Id).ToDictionaryAsync(m => m.Id, Ct);
            rows[target.Id].Attempts.ShouldBe(3);
            rows[target.Id].LastError.ShouldBeNull();
            // PostgreSQL keeps microseconds; SQLite keeps EF Core's text form, to the tick. Either way EF Core reads
            // back the instant it would have written, and a query on it finds the row.
            rows[target.Id].LockedUntil!.Value.ShouldBe(lockedUntil, TimeSpan.FromTicks(10));
            (await db.Set<OutboxMessage>().CountAsync(m => m.Id == target.Id && m.LockedUntil > lockedUntil.AddSeconds(-1), Ct)).ShouldBe(1);
            rows[other.Id].Attempts.ShouldBe(0);
            rows[other.Id].LastError.ShouldBe("before");
            rows[other.Id].LockedUntil.ShouldBeNull();
        }
    }

    [Fact]
    public async Task A_condition_on_null_is_refused_and_changes_nothing()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        db.DeferTransaction();
        await Should.ThrowAsync<ArgumentException>(() => db.UpdateAsync<OutboxMessage>(
            set: [(nameof(OutboxMessage.Attempts), 9)], where: [(nameof(OutboxMessage.LockedBy), null)], Ct));
        // Refused before it began the request's deferred transaction.
        db.TransactionDeferred.ShouldBeTrue();
        db.Database.CurrentTransaction.ShouldBeNull();
        db.CancelDeferredTransaction();
        (await db.Set<OutboxMessage>().CountAsync(m => m.Attempts == 9, Ct)).ShouldBe(0);
    }
}

public sealed class RowUpdatesTests_Sqlite(SqliteApp app) : RowUpdatesTests(app);

public sealed class RowUpdatesTests_Postgres(PostgresApp app) : RowUpdatesTests(app);
