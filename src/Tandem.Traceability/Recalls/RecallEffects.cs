using Microsoft.EntityFrameworkCore;
using Tandem.Inventory.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Recalls;

/// <summary>What a recall did besides being recorded: stock held back from sale, and who was told.</summary>
internal sealed record RecallOutcome(long BlockedQuantity, IReadOnlyList<Guid> ConsumerIds, IReadOnlyList<Guid> OrderIds, IReadOnlyList<Guid> MerchantIds);

/// <summary>
/// Inside the recall's transaction: every store's remaining stock of the affected lots is blocked in Inventory
/// (one conditional update per store and product, so a racing order gets the unit or nothing, never blocked
/// stock), and a notice is written for each consumer whose order held an affected lot and each merchant whose
/// store holds, sold or handled one.
/// </summary>
internal sealed class RecallEffects(TandemDbContext db, IStock stock, IStoreDirectory stores, TimeProvider clock)
{
    public async Task<RecallOutcome> ApplyAsync(Recall recall, IReadOnlyCollection<string> lotKeys, IReadOnlyCollection<Guid> tracedStoreIds, CancellationToken ct)
    {
        var keys = lotKeys.ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        db.AddRange(keys.Select(k => new RecalledLot { RecallId = recall.Id, LotKey = k }));
        var held = await db.Set<LotStock>().AsNoTracking()
            .Where(l => keys.Contains(l.LotKey) && l.Remaining - l.Blocked > 0)
            .OrderBy(l => l.StoreId).ThenBy(l => l.ProductId).ThenBy(l => l.Id)
            .ToListAsync(ct);
        var blockedAt = new Dictionary<Guid, long>();
        long blockedTotal = 0;
        // Store and product order: the order every stock transaction locks rows in.
        foreach (var lot in held)
        {
            var blocked = await stock.BlockAsync(lot.StoreId, lot.ProductId, lot.Remaining - lot.Blocked, "recall " + recall.Id.ToString("D"), ct);
            if (blocked > 0)
            {
                await db.Set<LotStock>().Where(l => l.Id == lot.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(l => l.Blocked, l => l.Blocked + blocked), ct);
                db.Add(new RecallBlock
                {
                    Id = NewId.Next(clock),
                    RecallId = recall.Id,
                    LotStockId = lot.Id,
                    StoreId = lot.StoreId,
                    ProductId = lot.ProductId,
                    Quantity = blocked,
                });
            }

            blockedAt[lot.StoreId] = blockedAt.GetValueOrDefault(lot.StoreId) + blocked;
            blockedTotal += blocked;
        }

        var sales = await db.Set<LotSale>().AsNoTracking()
            .Where(s => keys.Contains(s.LotKey))
            .Select(s => new { s.ConsumerId, s.OrderId, s.StoreId, s.Gtin, s.LotNumber, s.Quantity })
            .ToListAsync(ct);
        var consumerOrders = sales.Where(s => s.ConsumerId is not null)
            .GroupBy(s => (Consumer: s.ConsumerId!.Value, s.OrderId, s.Gtin, s.LotNumber))
            .ToList();
        foreach (var order in consumerOrders)
        {
            db.Add(new RecallNotice
            {
                Id = NewId.Next(clock),
                RecallId = recall.Id,
                Audience = "consumer",
                ConsumerId = order.Key.Consumer,
                OrderId = order.Key.OrderId,
                StoreId = order.First().StoreId,
                Gtin = order.Key.Gtin,
                LotNumber = order.Key.LotNumber,
                Reason = recall.Reason,
                Quantity = order.Sum(s => s.Quantity),
                CreatedAt = now,
            });
        }

        var storeIds = tracedStoreIds.Concat(held.Select(l => l.StoreId)).Concat(sales.Select(s => s.StoreId)).Distinct().Order().ToList();
        var merchants = new HashSet<Guid>();
        foreach (var storeId in storeIds)
        {
            if (await stores.FindAsync(storeId, ct) is not { } store)
            {
                continue;
            }

            merchants.Add(store.MerchantId);
            db.Add(new RecallNotice
            {
                Id = NewId.Next(clock),
                RecallId = recall.Id,
                Audience = "merchant",
                MerchantId = store.MerchantId,
                StoreId = storeId,
                Gtin = recall.Gtin,
                LotNumber = recall.LotNumber,
                Reason = recall.Reason,
                Quantity = blockedAt.GetValueOrDefault(storeId),
                CreatedAt = now,
            });
        }

        return new RecallOutcome(
            blockedTotal,
            consumerOrders.Select(o => o.Key.Consumer).Distinct().ToList(),
            consumerOrders.Where(o => o.Key.OrderId is not null).Select(o => o.Key.OrderId!.Value).Distinct().ToList(),
            merchants.ToList());
    }

    /// <summary>
    /// Inside the withdrawal's transaction: what the recall still blocks (it placed it and nobody disposed of it) goes
    /// back on sale, in Inventory and in the lot stock, and everyone the recall notified gets a "recall withdrawn" notice.
    /// Locks in the order disposals take them (stock, lot stock, block), so the two cannot deadlock; a block a disposal
    /// changed since it was read is a conflict and the caller retries.
    /// </summary>
    public async Task<RecallOutcome> WithdrawAsync(Recall recall, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var blocks = await db.Set<RecallBlock>().AsNoTracking()
            .Where(b => b.RecallId == recall.Id && b.Quantity > 0)
            .OrderBy(b => b.StoreId).ThenBy(b => b.ProductId).ThenBy(b => b.LotStockId)
            .ToListAsync(ct);
        var unblockedAt = new Dictionary<Guid, long>();
        var reference = "recall " + recall.Id.ToString("D") + " withdrawn";
        foreach (var block in blocks)
        {
            var q = block.Quantity;
            await stock.UnblockAsync(block.StoreId, block.ProductId, q, reference, ct);
            await db.Set<LotStock>().Where(l => l.Id == block.LotStockId)
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.Blocked, l => l.Blocked >= q ? l.Blocked - q : 0), ct);
            if (await db.Set<RecallBlock>().Where(b => b.Id == block.Id && b.Quantity == q)
                    .ExecuteUpdateAsync(u => u.SetProperty(b => b.Quantity, 0L), ct) == 0)
            {
                throw new DbUpdateConcurrencyException($"Recall block {block.Id} changed while the recall was withdrawn.");
            }

            unblockedAt[block.StoreId] = unblockedAt.GetValueOrDefault(block.StoreId) + q;
        }

        var told = await db.Set<RecallNotice>().AsNoTracking()
            .Where(n => n.RecallId == recall.Id && n.Kind == "recall")
            .OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(ct);
        foreach (var notice in told)
        {
            db.Add(new RecallNotice
            {
                Id = NewId.Next(clock),
                RecallId = recall.Id,
                Kind = "withdrawal",
                Audience = notice.Audience,
                ConsumerId = notice.ConsumerId,
                MerchantId = notice.MerchantId,
                StoreId = notice.StoreId,
                OrderId = notice.OrderId,
                Gtin = notice.Gtin,
                LotNumber = notice.LotNumber,
                Reason = reason,
                Quantity = notice.Audience == "merchant" ? unblockedAt.GetValueOrDefault(notice.StoreId ?? Guid.Empty) : notice.Quantity,
                CreatedAt = now,
            });
        }

        return new RecallOutcome(
            blocks.Sum(b => b.Quantity),
            told.Where(n => n.ConsumerId is not null).Select(n => n.ConsumerId!.Value).Distinct().ToList(),
            told.Where(n => n.OrderId is not null).Select(n => n.OrderId!.Value).Distinct().ToList(),
            told.Where(n => n.MerchantId is not null).Select(n => n.MerchantId!.Value).Distinct().ToList());
    }
}
