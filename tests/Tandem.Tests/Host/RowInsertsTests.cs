using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.Orders;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Host;

/// <summary>
/// <see cref="RowInserts"/> writes new rows without change tracking (docs/decisions/0019). What it writes must read back
/// exactly as what <c>SaveChanges</c> writes, on both providers: every column, value conversion, null and owned line.
/// </summary>
public abstract class RowInsertsTests(TandemApp app) : ApiTest(app)
{
    [Fact]
    public async Task An_order_with_its_lines_and_event_reads_back_exactly_as_one_saved_by_SaveChanges()
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var (merchant, store, consumer) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Order NewOrder(string code) => Order.Place(Guid.NewGuid(), merchant, store, consumer,
            [
                new OrderLine { LineNo = 1, ProductId = Guid.NewGuid(), Name = "青菜 500g", Quantity = 2, UnitPrice = 350, Currency = Money.Cny },
                new OrderLine { LineNo = 2, ProductId = Guid.NewGuid(), Name = "Eggs ×10", Quantity = 1, UnitPrice = 1290, Currency = Money.Cny },
            ],
            new Money(500, Money.Cny), FulfillmentType.Delivery, "朝阳路 1 号", new GeoPoint(39.9, 116.4), code, now, TimeSpan.FromMinutes(15),
            new DeliveryPromise(now.AddHours(1), now.AddHours(2), now.AddHours(1)));

        var tracked = NewOrder(Code());
        var direct = NewOrder(Code());
        var at = now.AddTicks(-(now.Ticks % 10)); // PostgreSQL keeps microseconds
        var message = new OutboxMessage { Id = Guid.NewGuid(), Type = "probe", Payload = "{\"a\":1}", OccurredAt = at, NextAttemptAt = at };
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            db.Add(tracked);
            await db.SaveChangesAsync(Ct);

            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            (await db.InsertAsync([direct, message], Ct)).ShouldBe(4);
            db.ChangeTracker.Entries().Count().ShouldBe(3, "the directly written rows are not tracked (only the saved order and its lines are)");
            await transaction.CommitAsync(Ct);
        }

        await using var read = App.Services.CreateAsyncScope();
        var reader = read.ServiceProvider.GetRequiredService<TandemDbContext>();
        var orders = await reader.Set<Order>().AsNoTracking().Include(o => o.Lines)
            .Where(o => o.Id == tracked.Id || o.Id == direct.Id).ToListAsync(Ct);
        var (saved, inserted) = (orders.Single(o => o.Id == tracked.Id), orders.Single(o => o.Id == direct.Id));
        var orderType = reader.Model.FindEntityType(typeof(Order))!;
        foreach (var property in orderType.GetProperties().Where(p => p.Name is not (nameof(Order.Id) or nameof(Order.PickupCode) or nameof(Order.OpenPickupCode))))
        {
            property.GetGetter().GetClrValue(inserted).ShouldBe(property.GetGetter().GetClrValue(saved), property.Name);
        }

        inserted.PickupCode.ShouldBe(direct.PickupCode);
        inserted.OpenPickupCode.ShouldBe(direct.PickupCode);
        inserted.Lines.OrderBy(l => l.LineNo).Select(l => (l.LineNo, l.Name, l.Quantity, l.UnitPrice, l.Currency))
            .ShouldBe(saved.Lines.OrderBy(l => l.LineNo).Select(l => (l.LineNo, l.Name, l.Quantity, l.UnitPrice, l.Currency)));
        inserted.Lines.Select(l => l.ProductId).ShouldBe(direct.Lines.Select(l => l.ProductId), ignoreOrder: true);

        var stored = await reader.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == message.Id, Ct);
        // (The host's dispatcher may have handled it already, so its delivery columns are not compared.)
        (stored.Type, stored.Payload, stored.OccurredAt, stored.NextAttemptAt).ShouldBe((message.Type, message.Payload, message.OccurredAt, message.NextAttemptAt));
    }

    [Fact]
    public async Task A_refused_insert_fails_as_SaveChanges_does_and_a_rollback_leaves_no_row()
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var store = Guid.NewGuid();
        var code = Code();
        Order NewOrder(string pickupCode) => Order.Place(Guid.NewGuid(), Guid.NewGuid(), store, Guid.NewGuid(),
            [new OrderLine { LineNo = 1, ProductId = Guid.NewGuid(), Name = "x", Quantity = 1, UnitPrice = 100, Currency = Money.Cny }],
            null, FulfillmentType.Pickup, null, null, pickupCode, now, TimeSpan.FromMinutes(15));

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var first = NewOrder(code);
        await db.InsertAsync([first], Ct);

        // The same open pickup code in the same store: the unique index refuses it, reported as SaveChanges reports it.
        var second = NewOrder(code);
        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            await Should.ThrowAsync<DbUpdateException>(() => db.InsertAsync([second], Ct));
            await transaction.RollbackAsync(Ct);
        }

        // A row written in a transaction that rolls back is gone with it.
        var third = NewOrder(code == "000000" ? "000001" : "000000");
        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            await db.InsertAsync([third], Ct);
            await transaction.RollbackAsync(Ct);
        }

        var ids = new[] { first.Id, second.Id, third.Id };
        (await db.Set<Order>().AsNoTracking().Where(o => ids.Contains(o.Id)).Select(o => o.Id).ToListAsync(Ct)).ShouldBe([first.Id]);
    }

    private static string Code() => Random.Shared.Next(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class RowInsertsTests_Sqlite(SqliteApp app) : RowInsertsTests(app);

public sealed class RowInsertsTests_Postgres(PostgresApp app) : RowInsertsTests(app);
