using Microsoft.EntityFrameworkCore;
using Tandem.Inventory.Contracts;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.Orders;

namespace Tandem.Ordering.AtRisk;

/// <summary>
/// The at-risk rule: when a store's onHand of a product falls below what is reserved (a counter sale, a count,
/// damage), the newest open orders holding that product are flagged until the shortfall is covered; flags clear
/// when stock covers them again. An order is at risk if any of its products puts it among those newest orders.
/// Runs inside the transaction that changed the stock (which holds that stock row's lock).
/// </summary>
internal sealed class AtRiskOrders(TandemDbContext db, IStock stock, ClosingOrders closing) : IStockChangeObserver
{
    private IQueryable<Order> OpenOrders(Guid storeId)
    {
        var closingIds = closing.Ids.ToList();
        return db.Set<Order>().AsNoTracking()
            .Where(o => o.StoreId == storeId && Order.OpenStatuses.Contains(o.Status) && !closingIds.Contains(o.Id));
    }

    public async Task StockChangedAsync(Guid storeId, IReadOnlyCollection<Guid> productIds, CancellationToken ct)
    {
        var changed = productIds.Distinct().ToList();
        var levels = await stock.LevelsAsync(storeId, changed, ct);
        var anyShort = levels.Any(l => l.OnHand < l.Reserved);
        if (!anyShort && !await OpenOrders(storeId).AnyAsync(o => o.AtRisk && o.Lines.Any(l => changed.Contains(l.ProductId)), ct))
        {
            return; // the common case: nothing short, nothing flagged
        }

        // The orders whose flag may change hold a changed product; their flag depends on all their products.
        var candidates = await OpenOrders(storeId)
            .Where(o => o.Lines.Any(l => changed.Contains(l.ProductId)))
            .Select(o => new { o.Id, o.AtRisk })
            .ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return;
        }

        var candidateIds = candidates.Select(c => c.Id).ToList();
        var products = (await db.Set<Order>().AsNoTracking()
                .Where(o => candidateIds.Contains(o.Id))
                .Select(o => o.Lines.Select(l => l.ProductId).ToList())
                .ToListAsync(ct))
            .SelectMany(ids => ids)
            .Distinct()
            .ToList();
        var shortfalls = (await stock.LevelsAsync(storeId, products, ct))
            .Where(l => l.Reserved > l.OnHand)
            .ToDictionary(l => l.ProductId, l => l.Reserved - l.OnHand);

        var atRisk = new HashSet<Guid>();
        if (shortfalls.Count > 0)
        {
            var shortIds = shortfalls.Keys.ToList();
            var holders = (await OpenOrders(storeId)
                    .Where(o => o.Lines.Any(l => shortIds.Contains(l.ProductId)))
                    .Select(o => new { o.Id, Lines = o.Lines.Where(l => shortIds.Contains(l.ProductId)).Select(l => new { l.ProductId, l.Quantity }).ToList() })
                    .ToListAsync(ct))
                .SelectMany(o => o.Lines.Select(l => new { OrderId = o.Id, l.ProductId, l.Quantity }))
                .ToList();
            foreach (var (productId, shortfall) in shortfalls)
            {
                long covered = 0;
                // Newest first: order ids are time-ordered (UUIDv7).
                foreach (var holder in holders.Where(h => h.ProductId == productId).OrderByDescending(h => h.OrderId))
                {
                    if (covered >= shortfall)
                    {
                        break;
                    }

                    atRisk.Add(holder.OrderId);
                    covered += holder.Quantity;
                }
            }
        }

        // One statement per changed order, in id order, so concurrent updates of flags lock rows in one order.
        foreach (var candidate in candidates.Where(c => c.AtRisk != atRisk.Contains(c.Id)).OrderBy(c => c.Id))
        {
            var flag = atRisk.Contains(candidate.Id);
            await db.Set<Order>()
                .Where(o => o.Id == candidate.Id && Order.OpenStatuses.Contains(o.Status))
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.AtRisk, flag), ct);
        }
    }
}
