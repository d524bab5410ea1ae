using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Inventory.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Inventory.Stock;

/// <summary>
/// The one stock of every store. Each change is a single conditional UPDATE per line inside the caller's
/// transaction, lines in product-id order (so concurrent multi-line changes lock rows in one order and cannot
/// deadlock); the ledger row and the StockChanged event are written in that same transaction.
/// </summary>
internal sealed class StoreStock(
    TandemDbContext db, Outbox outbox, TimeProvider clock, IStoreDirectory stores, IServiceProvider services) : IStock
{
    private DbSet<StockItem> Items => db.Set<StockItem>();

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<ReservationResult> ReserveAsync(Guid storeId, IReadOnlyList<StockLine> lines, CancellationToken ct)
    {
        var sorted = Normalise(lines);
        var now = Now;
        var reserve = ReserveStatement.For(db);
        var after = new List<RowLevels>(sorted.Count);
        for (var i = 0; i < sorted.Count; i++)
        {
            var (productId, quantity) = (sorted[i].ProductId, (long)sorted[i].Quantity);
            RowLevels? reserved = null;
            await using (var reader = await reserve.ReadAsync(db, [quantity, now, storeId, productId], ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    reserved = new RowLevels
                    {
                        MerchantId = reader.DbDataReader.GetFieldValue<Guid>(0),
                        OnHand = reader.DbDataReader.GetInt64(1),
                        Reserved = reader.DbDataReader.GetInt64(2),
                        Blocked = reader.DbDataReader.GetInt64(3),
                    };
                }
            }

            if (reserved is null)
            {
                // The caller rolls back. Name every short line, not just the first: the rest are checked by reading.
                var shortIds = new List<Guid> { productId };
                shortIds.AddRange(await ShortAsync(storeId, sorted.Skip(i + 1).ToList(), ct));
                return new ReservationResult(shortIds);
            }

            after.Add(reserved);
        }

        // Written directly, not tracked: this runs inside the order's transaction, which on SQLite holds the one write
        // lock, and change tracking was most of what a save cost there (docs/decisions/0019).
        await db.InsertAsync([.. Changes(storeId, sorted, after, onHandSign: 0, reservedSign: +1, "reserved", reference: null).Select(outbox.Message)], ct);
        return new ReservationResult([]);
    }

    /// <summary>A stock row's levels after a change (returned by the reserving UPDATE itself, or read back).</summary>
    private sealed class RowLevels
    {
        public Guid MerchantId { get; init; }
        public long OnHand { get; init; }
        public long Reserved { get; init; }
        public long Blocked { get; init; }
    }

    /// <summary>
    /// The reservation: one conditional UPDATE that takes <c>@q</c> units only while that many are available, and
    /// returns the row's new levels (<c>RETURNING</c>, on SQLite and PostgreSQL alike) for the StockChanged event, so
    /// the transaction, which on SQLite holds the one write lock, does not read them again. Built once as a
    /// <see cref="PreparedStatement"/>; its values: quantity, now, store, product.
    /// </summary>
    private static readonly PreparedStatement.PerModel ReserveStatement = new(context =>
    {
        var t = PreparedStatement.TableOf<StockItem>(context);
        var (reserved, onHand, blocked) = (t.Column(nameof(StockItem.Reserved)), t.Column(nameof(StockItem.OnHand)), t.Column(nameof(StockItem.Blocked)));
        return PreparedStatement.Build(context,
            $"UPDATE {t.Name} SET {reserved} = {reserved} + @q, {t.Column(nameof(StockItem.UpdatedAt))} = @now " +
            $"WHERE {t.Column(nameof(StockItem.StoreId))} = @store AND {t.Column(nameof(StockItem.ProductId))} = @product " +
            $"AND {onHand} - {reserved} - {blocked} >= @q " +
            $"RETURNING {t.Column(nameof(StockItem.MerchantId))}, {onHand}, {reserved}, {blocked}",
            [
                t.Parameter("q", nameof(StockItem.Reserved)), t.Parameter("now", nameof(StockItem.UpdatedAt)),
                t.Parameter("store", nameof(StockItem.StoreId)), t.Parameter("product", nameof(StockItem.ProductId)),
            ]);
    });

    public async Task ReleaseAsync(Guid storeId, IReadOnlyList<StockLine> lines, string reference, CancellationToken ct)
    {
        var sorted = Normalise(lines);
        var now = Now;
        foreach (var (productId, q) in sorted)
        {
            var quantity = (long)q;
            var released = await Items
                .Where(s => s.StoreId == storeId && s.ProductId == productId && s.Reserved >= quantity)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Reserved, s => s.Reserved - quantity)
                    .SetProperty(s => s.UpdatedAt, now), ct);
            EnsureOneRow(released, storeId, productId, "release");
        }

        await PublishAsync(storeId, sorted, onHandSign: 0, reservedSign: -1, "released", reference, ct);
        await NotifyObserversAsync(storeId, sorted, ct);
    }

    public async Task CommitSaleAsync(Guid storeId, IReadOnlyList<StockLine> lines, string reference, Guid? actor, CancellationToken ct)
    {
        var sorted = Normalise(lines);
        var now = Now;
        foreach (var (productId, q) in sorted)
        {
            var quantity = (long)q;
            var sold = await Items
                .Where(s => s.StoreId == storeId && s.ProductId == productId && s.Reserved >= quantity)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.OnHand, s => s.OnHand - quantity)
                    .SetProperty(s => s.Reserved, s => s.Reserved - quantity)
                    .SetProperty(s => s.LastDelta, -quantity)
                    .SetProperty(s => s.MovementCount, s => s.MovementCount + 1)
                    .SetProperty(s => s.UpdatedAt, now), ct);
            EnsureOneRow(sold, storeId, productId, "sale");
        }

        await RecordMovementsAsync(storeId, sorted, MovementReason.Sale, reference, actor, reservedSign: -1, ct);
        await NotifyObserversAsync(storeId, sorted, ct);
    }

    public async Task ReturnAsync(Guid storeId, IReadOnlyList<StockLine> lines, string reference, Guid? actor, CancellationToken ct)
    {
        var sorted = Normalise(lines);
        var now = Now;
        foreach (var (productId, q) in sorted)
        {
            var quantity = (long)q;
            var returned = await Items
                .Where(s => s.StoreId == storeId && s.ProductId == productId)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.OnHand, s => s.OnHand + quantity)
                    .SetProperty(s => s.LastDelta, quantity)
                    .SetProperty(s => s.MovementCount, s => s.MovementCount + 1)
                    .SetProperty(s => s.UpdatedAt, now), ct);
            EnsureOneRow(returned, storeId, productId, "return");
        }

        await RecordMovementsAsync(storeId, sorted, MovementReason.Return, reference, actor, reservedSign: 0, ct);
        await NotifyObserversAsync(storeId, sorted, ct);
    }

    public async Task RecordCounterSaleAsync(Guid storeId, IReadOnlyList<StockLine> lines, string reference, Guid? actor, CancellationToken ct)
    {
        var sorted = Normalise(lines);
        var now = Now;
        Guid? merchantId = null;
        foreach (var (productId, q) in sorted)
        {
            var quantity = (long)q;
            for (var attempt = 0; ; attempt++)
            {
                // Never refused: goods in hand may take onHand below zero (a recount is then due).
                var sold = await Items
                    .Where(s => s.StoreId == storeId && s.ProductId == productId)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(s => s.OnHand, s => s.OnHand - quantity)
                        .SetProperty(s => s.LastDelta, -quantity)
                        .SetProperty(s => s.MovementCount, s => s.MovementCount + 1)
                        .SetProperty(s => s.UpdatedAt, now), ct);
                if (sold == 1)
                {
                    break;
                }

                if (attempt > 0)
                {
                    EnsureOneRow(sold, storeId, productId, "counter sale");
                }

                merchantId ??= (await stores.FindAsync(storeId, ct))?.MerchantId
                    ?? throw new InvalidOperationException($"Store {storeId} does not exist.");
                await EnsureRowsAsync(storeId, merchantId.Value, [productId], ct);
            }
        }

        await RecordMovementsAsync(storeId, sorted, MovementReason.PosSale, reference, actor, reservedSign: 0, ct);
        await NotifyObserversAsync(storeId, sorted, ct);
    }

    public async Task<IReadOnlyList<Guid>> ShortAsync(Guid storeId, IReadOnlyList<StockLine> lines, CancellationToken ct)
    {
        var sorted = Normalise(lines);
        var levels = await LevelsByProductAsync(storeId, sorted.Select(l => l.ProductId).ToList(), ct);
        return sorted.Where(l => !levels.TryGetValue(l.ProductId, out var level) || level.Available < l.Quantity).Select(l => l.ProductId).ToList();
    }

    public async Task<IReadOnlyList<StockLevel>> LevelsAsync(Guid storeId, IReadOnlyCollection<Guid> productIds, CancellationToken ct)
    {
        var found = await LevelsByProductAsync(storeId, productIds, ct);
        return productIds.Distinct()
            .Select(id => found.TryGetValue(id, out var level) ? level : new StockLevel(storeId, id, 0, 0))
            .ToList();
    }

    public async Task<StockLevel> ReceiveAsync(
        Guid storeId, Guid merchantId, Guid productId, long quantity, string? reference, Guid? actor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        await EnsureRowsAsync(storeId, merchantId, [productId], ct);
        var now = Now;
        var received = await Items
            .Where(s => s.StoreId == storeId && s.ProductId == productId)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.OnHand, s => s.OnHand + quantity)
                .SetProperty(s => s.LastDelta, quantity)
                .SetProperty(s => s.MovementCount, s => s.MovementCount + 1)
                .SetProperty(s => s.UpdatedAt, now), ct);
        EnsureOneRow(received, storeId, productId, "receipt");
        var line = new StockLine(productId, 0);
        var level = (await RecordMovementsAsync(storeId, [line], MovementReason.Receipt, reference, actor, reservedSign: 0, ct))[0];
        await NotifyObserversAsync(storeId, [line], ct);
        return level;
    }

    public async Task<long> BlockAsync(Guid storeId, Guid productId, long quantity, string reference, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        var now = Now;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            // What is free now, then one conditional update that takes it only if it is still free: a reservation that
            // won the row first leaves less, and the next round blocks what remains.
            var free = await Items.AsNoTracking()
                .Where(s => s.StoreId == storeId && s.ProductId == productId)
                .Select(s => (long?)(s.OnHand - s.Reserved - s.Blocked)).FirstOrDefaultAsync(ct);
            var take = Math.Min(quantity, free ?? 0);
            if (take <= 0)
            {
                return 0;
            }

            var blocked = await Items
                .Where(s => s.StoreId == storeId && s.ProductId == productId && s.OnHand - s.Reserved - s.Blocked >= take)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Blocked, s => s.Blocked + take)
                    .SetProperty(s => s.UpdatedAt, now), ct);
            if (blocked == 1)
            {
                await PublishAsync(storeId, [new StockLine(productId, 0)], onHandSign: 0, reservedSign: 0, "blocked", reference, ct);
                return take;
            }
        }

        throw new DbUpdateConcurrencyException($"Stock of product {productId} at store {storeId} kept changing while blocking it.");
    }

    public async Task UnblockAsync(Guid storeId, Guid productId, long quantity, string reference, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        var now = Now;
        await Items
            .Where(s => s.StoreId == storeId && s.ProductId == productId && s.Blocked > 0)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Blocked, s => s.Blocked >= quantity ? s.Blocked - quantity : 0)
                .SetProperty(s => s.UpdatedAt, now), ct);
        await PublishAsync(storeId, [new StockLine(productId, 0)], onHandSign: 0, reservedSign: 0, "unblocked", reference, ct);
    }

    public async Task<StockLevel?> DisposeBlockedAsync(
        Guid storeId, Guid productId, long quantity, bool returned, string reference, Guid? actor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        var now = Now;
        var disposed = await Items
            .Where(s => s.StoreId == storeId && s.ProductId == productId && s.Blocked >= quantity && s.OnHand >= quantity)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.OnHand, s => s.OnHand - quantity)
                .SetProperty(s => s.Blocked, s => s.Blocked - quantity)
                .SetProperty(s => s.LastDelta, -quantity)
                .SetProperty(s => s.MovementCount, s => s.MovementCount + 1)
                .SetProperty(s => s.UpdatedAt, now), ct);
        if (disposed == 0)
        {
            return null;
        }

        var line = new StockLine(productId, 0);
        var level = (await RecordMovementsAsync(
            storeId, [line], returned ? MovementReason.Return : MovementReason.Damage, reference, actor, reservedSign: 0, ct))[0];
        await NotifyObserversAsync(storeId, [line], ct);
        return level;
    }

    /// <summary>A stock count: onHand becomes <paramref name="onHand"/>; the ledger records the difference.</summary>
    public async Task<StockLevel> CountAsync(Guid storeId, Guid merchantId, Guid productId, long onHand, string? reference, Guid actor, CancellationToken ct)
    {
        await EnsureRowsAsync(storeId, merchantId, [productId], ct);
        var now = Now;
        var counted = await Items
            .Where(s => s.StoreId == storeId && s.ProductId == productId)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.LastDelta, s => onHand - s.OnHand)
                .SetProperty(s => s.OnHand, onHand)
                .SetProperty(s => s.MovementCount, s => s.MovementCount + 1)
                .SetProperty(s => s.UpdatedAt, now), ct);
        EnsureOneRow(counted, storeId, productId, "count");
        var line = new StockLine(productId, 0);
        var level = (await RecordMovementsAsync(storeId, [line], MovementReason.Count, reference, actor, reservedSign: 0, ct))[0];
        await NotifyObserversAsync(storeId, [line], ct);
        return level;
    }

    /// <summary>An adjustment by <paramref name="delta"/>; null when it would take onHand below zero (nothing changes).</summary>
    public async Task<StockLevel?> AdjustAsync(
        Guid storeId, Guid merchantId, Guid productId, long delta, MovementReason reason, string? reference, Guid actor, CancellationToken ct)
    {
        await EnsureRowsAsync(storeId, merchantId, [productId], ct);
        var now = Now;
        var adjusted = await Items
            .Where(s => s.StoreId == storeId && s.ProductId == productId && (delta >= 0 || s.OnHand + delta >= 0))
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.OnHand, s => s.OnHand + delta)
                .SetProperty(s => s.LastDelta, delta)
                .SetProperty(s => s.MovementCount, s => s.MovementCount + 1)
                .SetProperty(s => s.UpdatedAt, now), ct);
        if (adjusted == 0)
        {
            return null;
        }

        var line = new StockLine(productId, 0);
        var level = (await RecordMovementsAsync(storeId, [line], reason, reference, actor, reservedSign: 0, ct))[0];
        await NotifyObserversAsync(storeId, [line], ct);
        return level;
    }

    /// <summary>One line per product (quantities added up), in product-id order: the order every transaction locks rows in.</summary>
    internal static List<StockLine> Normalise(IReadOnlyList<StockLine> lines) =>
        lines.GroupBy(l => l.ProductId)
            .Select(g => new StockLine(g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(l => l.ProductId)
            .ToList();

    private async Task<Dictionary<Guid, StockLevel>> LevelsByProductAsync(Guid storeId, IReadOnlyCollection<Guid> productIds, CancellationToken ct)
    {
        if (productIds.Count == 0)
        {
            return [];
        }

        var levels = new Dictionary<Guid, StockLevel>();
        await foreach (var level in LevelsByIds.For(db)(db, storeId, [.. productIds.Distinct()]).WithCancellation(ct))
        {
            levels[level.ProductId] = level;
        }

        return levels;
    }

    // Compiled once per model: every order placed reads its stock levels first (docs/decisions/0022).
    private static readonly CompiledQuery<Func<TandemDbContext, Guid, Guid[], IAsyncEnumerable<StockLevel>>> LevelsByIds = new(() =>
        EF.CompileAsyncQuery((TandemDbContext db, Guid storeId, Guid[] ids) => db.Set<StockItem>().AsNoTracking()
            .Where(s => s.StoreId == storeId && ids.Contains(s.ProductId))
            .Select(s => new StockLevel(s.StoreId, s.ProductId, s.OnHand, s.Reserved, s.Blocked))));

    /// <summary>
    /// Reads back the rows just changed (this transaction holds their locks, so they are exactly as it left them)
    /// and writes one ledger row and one event per product.
    /// </summary>
    private async Task<List<StockLevel>> RecordMovementsAsync(
        Guid storeId, List<StockLine> sorted, MovementReason reason, string? reference, Guid? actor, int reservedSign, CancellationToken ct)
    {
        var ids = sorted.Select(l => l.ProductId).ToList();
        var rows = await Items.AsNoTracking()
            .Where(s => s.StoreId == storeId && ids.Contains(s.ProductId))
            .ToDictionaryAsync(s => s.ProductId, ct);
        var now = Now;
        var levels = new List<StockLevel>(sorted.Count);
        foreach (var line in sorted)
        {
            var row = rows[line.ProductId];
            db.Set<StockMovement>().Add(new StockMovement
            {
                StoreId = storeId,
                ProductId = line.ProductId,
                Seq = row.MovementCount,
                MerchantId = row.MerchantId,
                At = now,
                Delta = row.LastDelta,
                Reason = reason,
                OnHandAfter = row.OnHand,
                Reference = reference,
                Actor = actor,
            });
            outbox.Publish(new StockChanged(NewId.Next(clock), now, row.MerchantId, storeId, line.ProductId,
                row.OnHand, row.Reserved, row.OnHand - row.Reserved - row.Blocked, row.LastDelta, reservedSign * (long)line.Quantity,
                MovementReasons.Name(reason), reference));
            levels.Add(new StockLevel(storeId, line.ProductId, row.OnHand, row.Reserved, row.Blocked));
        }

        await db.SaveChangesAsync(ct);
        return levels;
    }

    private async Task PublishAsync(
        Guid storeId, List<StockLine> sorted, int onHandSign, int reservedSign, string reason, string? reference, CancellationToken ct)
    {
        var ids = sorted.Select(l => l.ProductId).ToList();
        var rows = await Items.AsNoTracking()
            .Where(s => s.StoreId == storeId && ids.Contains(s.ProductId))
            .Select(s => new { s.ProductId, Levels = new RowLevels { MerchantId = s.MerchantId, OnHand = s.OnHand, Reserved = s.Reserved, Blocked = s.Blocked } })
            .ToDictionaryAsync(s => s.ProductId, s => s.Levels, ct);
        Publish(storeId, sorted, [.. sorted.Select(l => rows[l.ProductId])], onHandSign, reservedSign, reason, reference);
    }

    private void Publish(
        Guid storeId, List<StockLine> sorted, List<RowLevels> rows, int onHandSign, int reservedSign, string reason, string? reference)
    {
        foreach (var change in Changes(storeId, sorted, rows, onHandSign, reservedSign, reason, reference))
        {
            outbox.Publish(change);
        }
    }

    /// <summary>One StockChanged per line; <paramref name="rows"/> holds each line's levels after the change, in line order.</summary>
    private List<StockChanged> Changes(
        Guid storeId, List<StockLine> sorted, List<RowLevels> rows, int onHandSign, int reservedSign, string reason, string? reference)
    {
        var now = Now;
        return [.. sorted.Select((line, i) => new StockChanged(NewId.Next(clock), now, rows[i].MerchantId, storeId, line.ProductId,
            rows[i].OnHand, rows[i].Reserved, rows[i].OnHand - rows[i].Reserved - rows[i].Blocked, onHandSign * (long)line.Quantity,
            reservedSign * (long)line.Quantity, reason, reference))];
    }

    private async Task NotifyObserversAsync(Guid storeId, List<StockLine> sorted, CancellationToken ct)
    {
        // Resolved here, not injected: observers read stock through IStock themselves.
        var productIds = sorted.Select(l => l.ProductId).ToList();
        foreach (var observer in services.GetServices<IStockChangeObserver>())
        {
            await observer.StockChangedAsync(storeId, productIds, ct);
        }
    }

    /// <summary>Creates missing rows at zero; a row another transaction created meanwhile is left alone.</summary>
    private async Task EnsureRowsAsync(Guid storeId, Guid merchantId, IReadOnlyList<Guid> productIds, CancellationToken ct)
    {
        var sql = InsertIfMissingSql();
        var now = Now;
        foreach (var productId in productIds)
        {
            await db.Database.ExecuteSqlRawAsync(sql, [storeId, productId, merchantId, now], ct);
        }
    }

    private string InsertIfMissingSql()
    {
        var entity = db.Model.FindEntityType(typeof(StockItem))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var helper = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => helper.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        return $"INSERT INTO {helper.DelimitIdentifier(table.Name, table.Schema)} " +
               $"({Column(nameof(StockItem.StoreId))}, {Column(nameof(StockItem.ProductId))}, {Column(nameof(StockItem.MerchantId))}, " +
               $"{Column(nameof(StockItem.OnHand))}, {Column(nameof(StockItem.Reserved))}, {Column(nameof(StockItem.MovementCount))}, " +
               $"{Column(nameof(StockItem.LastDelta))}, {Column(nameof(StockItem.UpdatedAt))}) " +
               "VALUES ({0}, {1}, {2}, 0, 0, 0, 0, {3}) " +
               $"ON CONFLICT ({Column(nameof(StockItem.StoreId))}, {Column(nameof(StockItem.ProductId))}) DO NOTHING";
    }

    private static void EnsureOneRow(int affected, Guid storeId, Guid productId, string what)
    {
        if (affected != 1)
        {
            // Releasing or selling more than is reserved: another transaction already released or sold this order's
            // reservation (e.g. the expiry sweeper beat a late payment). A concurrency conflict: the caller rolls back and
            // retries on fresh data, where the order's own state refuses the second release.
            throw new DbUpdateConcurrencyException(
                $"Stock {what} for store {storeId}, product {productId} found no matching reservation; another transaction changed it first.");
        }
    }
}
