using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Contracts;
using Tandem.Inventory.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.Contracts;
using Tandem.Payments.Contracts;

namespace Tandem.Ordering.Orders;

/// <summary>Orders leaving the open set in this unit of work: the at-risk rule no longer counts them.</summary>
internal sealed class ClosingOrders
{
    private readonly HashSet<Guid> _ids = [];

    public IReadOnlyCollection<Guid> Ids => _ids;

    public void Add(Guid orderId) => _ids.Add(orderId);
}

/// <summary>
/// What follows a transition that moves stock or money, in the caller's unit of work. Stock is changed before the
/// order row is saved: every transaction locks stock rows before order rows, so they cannot deadlock each other.
/// </summary>
internal sealed class OrderLifecycle(
    TandemDbContext db, IStock stock, IPayments payments, IDeliveryDesk delivery, Outbox outbox, TimeProvider clock, ClosingOrders closing)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static string StockReference(Order order) => $"order:{order.Id}";

    /// <summary>
    /// The order with its lines. Paying reads an order without them (a payment needs only the order's row); a transition
    /// that moves stock or counts goods loads them first, so it never works from an empty list.
    /// </summary>
    public async Task<Order> WithLinesAsync(Order order, CancellationToken ct)
    {
        if (db.Entry(order).Collection(o => o.Lines).IsLoaded)
        {
            return order;
        }

        // EF Core cannot load an owned collection on its own; querying the tracked owner with them fills its list.
        var loaded = await db.Set<Order>().Include(o => o.Lines).SingleAsync(o => o.Id == order.Id, ct);
        if (!ReferenceEquals(loaded, order) || !db.Entry(order).Collection(o => o.Lines).IsLoaded)
        {
            throw new InvalidOperationException($"Order {order.Id} is not tracked by this unit of work; its lines cannot be loaded into it.");
        }

        return order;
    }

    /// <summary>After <see cref="Order.Cancel"/> or <see cref="Order.Expire"/>: releases the reservation, decides a refund of money taken, announces it. Returns the payment to refund.</summary>
    public async Task<Guid?> CancelledAsync(Order order, CancellationToken ct)
    {
        await WithLinesAsync(order, ct);
        closing.Add(order.Id);
        await stock.ReleaseAsync(order.StoreId, order.StockLines, StockReference(order), ct);
        if (order.Fulfillment == FulfillmentType.Delivery)
        {
            if (order.DeliverySlotStart is { } slot)
            {
                await delivery.ReleaseSlotAsync(order.StoreId, slot, ct);
            }

            await delivery.OrderCancelledAsync(order.Id, ct);
        }

        Guid? refund = null;
        if (order is { PaymentStatus: PaymentStatus.Succeeded, PaymentId: { } paymentId })
        {
            if (await payments.RequestRefundAsync(paymentId, "order_cancelled", ct) is { } status)
            {
                order.MirrorPayment(paymentId, status);
            }

            refund = paymentId;
        }

        outbox.Publish(new OrderCancelled(NewId.Next(clock), Now, order.Id, order.MerchantId, order.StoreId, order.ConsumerId,
            Quantities(order), order.CancelReason ?? "", CancelledByName(order.CancelledBy), refund));
        await db.SaveChangesAsync(ct);
        return refund;
    }

    /// <summary>Cancels an unpaid order past its reservation. False when it is not (any more) expired — e.g. it was paid first.</summary>
    public async Task<bool> ExpireAsync(Order order, CancellationToken ct)
    {
        if (order.Expire(Now) is not null)
        {
            return false;
        }

        await CancelledAsync(order, ct);
        return true;
    }

    /// <summary>After a successful <see cref="Order.Handover"/>: the reserved goods leave the store as a sale.</summary>
    public async Task CompletedAsync(Order order, Guid actor, CancellationToken ct)
    {
        await GoodsLeaveAsync(order, actor, ct);
        if (order.Fulfillment == FulfillmentType.Delivery)
        {
            // Collected at the counter after all: no courier is needed any more.
            await delivery.OrderCancelledAsync(order.Id, ct);
        }

        outbox.Publish(new OrderCompleted(NewId.Next(clock), Now, order.Id, order.MerchantId, order.StoreId, order.ConsumerId,
            Quantities(order), order.Total, order.Currency));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>After <see cref="Order.StartDelivery"/>: the reserved goods leave the store with the courier, as a sale (the same path as a pickup).</summary>
    public async Task OutForDeliveryAsync(Order order, Guid actor, CancellationToken ct)
    {
        await GoodsLeaveAsync(order, actor, ct);
        outbox.Publish(new OrderOutForDelivery(NewId.Next(clock), Now, order.Id, order.MerchantId, order.StoreId, order.ConsumerId,
            Quantities(order), order.Total, order.Currency));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>After <see cref="Order.ConfirmReturn"/>: the goods are back on the shelf (movement <c>return</c>).</summary>
    public async Task ReturnedAsync(Order order, Guid actor, CancellationToken ct)
    {
        await WithLinesAsync(order, ct);
        await stock.ReturnAsync(order.StoreId, order.StockLines, StockReference(order), actor, ct);

        // The consumer never got the goods: the whole payment goes back. The refund is decided here, in the return's
        // transaction; the provider carries it out right after, or the payments module's retries do.
        if (order is { PaymentStatus: PaymentStatus.Succeeded, PaymentId: { } paymentId }
            && await payments.RequestRefundAsync(paymentId, "delivery_returned", ct) is { } status)
        {
            order.MirrorPayment(paymentId, status);
        }

        outbox.Publish(new OrderReturned(NewId.Next(clock), Now, order.Id, order.MerchantId, order.StoreId, order.ConsumerId, Quantities(order)));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The reserved goods leave the store as a sale: onHand and reserved both fall.</summary>
    private async Task GoodsLeaveAsync(Order order, Guid actor, CancellationToken ct)
    {
        await WithLinesAsync(order, ct);
        closing.Add(order.Id);
        await stock.CommitSaleAsync(order.StoreId, order.StockLines, StockReference(order), actor, ct);
    }

    public static IReadOnlyList<OrderedQuantity> Quantities(Order order) =>
        order.Lines.OrderBy(l => l.LineNo).Select(l => new OrderedQuantity(l.ProductId, l.Quantity)).ToList();

    private static string CancelledByName(CancelledBy? by) => by switch
    {
        CancelledBy.Consumer => "consumer",
        CancelledBy.Store => "store",
        _ => "payment_timeout",
    };
}
