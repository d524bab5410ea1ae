using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.Contracts;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.LotStocks;

/// <summary>
/// Attributes what left a store to the lots it held, first in, first out by receipt: Ordering's
/// <see cref="OrderCompleted"/> (online pickup or delivery handed over: the consumer is known) and
/// <see cref="CounterSaleRecorded"/>, delivered through the outbox. Stock a recall blocked is skipped; what no
/// lot covers (goods received without a lot) stays unattributed. Redelivery is harmless: the dispatcher records
/// each (event, handler), and the work commits with that record.
/// </summary>
internal sealed class LotSales(TandemDbContext db, TimeProvider clock)
    : IIntegrationEventHandler<OrderCompleted>, IIntegrationEventHandler<CounterSaleRecorded>
{
    public Task HandleAsync(OrderCompleted e, CancellationToken ct) =>
        AttributeAsync(e.StoreId, e.MerchantId, e.Lines, e.OrderId, counterSaleId: null, e.ConsumerId, e.OccurredAt, ct);

    public Task HandleAsync(CounterSaleRecorded e, CancellationToken ct) =>
        AttributeAsync(e.StoreId, e.MerchantId, e.Lines, orderId: null, e.SaleId, consumerId: null, e.OccurredAt, ct);

    private async Task AttributeAsync(
        Guid storeId, Guid merchantId, IReadOnlyList<OrderedQuantity> lines, Guid? orderId, Guid? counterSaleId, Guid? consumerId,
        DateTime soldAt, CancellationToken ct)
    {
        foreach (var line in lines.GroupBy(l => l.ProductId).OrderBy(g => g.Key))
        {
            long need = line.Sum(l => (long)l.Quantity);
            for (var round = 0; need > 0 && round < 10; round++)
            {
                var candidates = await db.Set<LotStock>().AsNoTracking()
                    .Where(l => l.StoreId == storeId && l.ProductId == line.Key && l.Remaining - l.Blocked > 0)
                    .OrderBy(l => l.ReceivedAt).ThenBy(l => l.Id)
                    .Take(20).ToListAsync(ct);
                if (candidates.Count == 0)
                {
                    break;
                }

                foreach (var lot in candidates)
                {
                    var take = Math.Min(need, lot.Remaining - lot.Blocked);
                    // One conditional update: a recall or another sale that got to the row first leaves it short, and the next round re-reads.
                    var taken = await db.Set<LotStock>()
                        .Where(l => l.Id == lot.Id && l.Remaining - l.Blocked >= take)
                        .ExecuteUpdateAsync(u => u.SetProperty(l => l.Remaining, l => l.Remaining - take), ct);
                    if (taken == 0)
                    {
                        continue;
                    }

                    db.Add(new LotSale
                    {
                        Id = NewId.Next(clock),
                        LotStockId = lot.Id,
                        LotKey = lot.LotKey,
                        Gtin = lot.Gtin,
                        LotNumber = lot.LotNumber,
                        StoreId = storeId,
                        MerchantId = merchantId,
                        ProductId = line.Key,
                        Quantity = take,
                        OrderId = orderId,
                        CounterSaleId = counterSaleId,
                        ConsumerId = consumerId,
                        SoldAt = soldAt,
                    });
                    need -= take;
                    if (need == 0)
                    {
                        break;
                    }
                }
            }
        }
    }
}
