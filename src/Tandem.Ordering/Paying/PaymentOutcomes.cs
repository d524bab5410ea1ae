using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.Contracts;
using Tandem.Ordering.Orders;
using Tandem.Payments.Contracts;

namespace Tandem.Ordering.Paying;

/// <summary>
/// Ordering's side of a provider notification, inside the transaction that records it: the money makes the order
/// paid only while it still awaits payment and its reservation holds; otherwise Payments refunds it. The changes are
/// saved by Payments, with its own, in one <c>SaveChanges</c>.
/// </summary>
internal sealed class PaymentOutcomes(TandemDbContext db, OrderLifecycle lifecycle, IDeliveryDesk delivery, Outbox outbox, TimeProvider clock)
    : IPaymentOutcomeHandler
{
    public Task PrepareAsync(Guid orderId, CancellationToken ct) => LoadAsync(orderId, ct);

    public async Task<bool> PaymentSucceededAsync(PaymentOutcome outcome, CancellationToken ct)
    {
        var order = await LoadAsync(outcome.OrderId, ct);
        if (order is null)
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (order.MarkPaid(outcome.PaymentId, outcome.Amount, now))
        {
            outbox.Publish(new OrderPaid(NewId.Next(clock), now, order.Id, order.MerchantId, order.StoreId, order.ConsumerId,
                outcome.PaymentId, outcome.Amount.Amount, outcome.Amount.Currency));
            if (order is { Fulfillment: FulfillmentType.Delivery, DeliveryWindowStart: { } start, DeliveryWindowEnd: { } end })
            {
                // Paid delivery orders are planned ahead while the store packs them.
                await lifecycle.WithLinesAsync(order, ct);
                await delivery.OrderPaidAsync(new DeliveryOrder(order.Id, order.MerchantId, order.StoreId, order.ConsumerId,
                    order.DeliveryAddress ?? "", new GeoPoint(order.DeliveryLat ?? 0, order.DeliveryLng ?? 0), order.Lines.Sum(l => l.Quantity),
                    start, end, order.DeliverySlotStart is null, now), ct);
            }

            return true;
        }

        // Too late: the reservation ran out. Cancel now (releasing the stock) if the sweeper has not yet.
        if (order.IsExpired(now))
        {
            await lifecycle.ExpireAsync(order, ct);
        }

        return false;
    }

    /// <summary>
    /// The order, without its lines: the one already tracked (read by <see cref="PrepareAsync"/>) or from the database.
    /// A pickup order's payment needs only its row; <see cref="OrderLifecycle"/> loads the lines where a transition
    /// needs them (a delivery order, an order that expired meanwhile).
    /// </summary>
    private async Task<Order?> LoadAsync(Guid orderId, CancellationToken ct) =>
        db.Set<Order>().Local.FirstOrDefault(o => o.Id == orderId) ?? await OrderById.For(db)(db, orderId, ct);

    // Compiled once per model: every provider notification loads its order (docs/decisions/0022).
    private static readonly CompiledQuery<Func<TandemDbContext, Guid, CancellationToken, Task<Order?>>> OrderById = new(() =>
        EF.CompileAsyncQuery((TandemDbContext db, Guid orderId, CancellationToken ct) =>
            db.Set<Order>().SingleOrDefault(o => o.Id == orderId)));

    public async Task PaymentStatusChangedAsync(PaymentOutcome outcome, CancellationToken ct)
    {
        var order = await LoadAsync(outcome.OrderId, ct);
        if (order is null)
        {
            return;
        }

        order.MirrorPayment(outcome.PaymentId, outcome.Status);
    }
}
