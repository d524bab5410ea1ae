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
}
