using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.Contracts;
using Tandem.Ordering.Orders;

namespace Tandem.Ordering.Delivering;

/// <summary>
/// Ordering's side of a delivery, called by the delivery module inside its transaction: the order follows the courier
/// (out for delivery, delivered, failed, returned) and the stock moves exactly as for a pickup (a <c>sale</c> when the
/// goods leave) or back (a <c>return</c>).
/// </summary>
internal sealed class DeliveryOrders(TandemDbContext db, OrderLifecycle lifecycle, Outbox outbox, TimeProvider clock) : IDeliveryOrders
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<DeliveryStep> PickedUpAsync(Guid orderId, Guid actor, CancellationToken ct)
    {
        var order = await LoadAsync(orderId, ct);
        if (order.StartDelivery(Now) is { } refusal)
        {
            return Refused(refusal);
        }

        await lifecycle.OutForDeliveryAsync(order, actor, ct);
        return DeliveryStep.Done;
    }

    public async Task<DeliveryStep> DeliveredAsync(Guid orderId, string deliveryCode, Guid actor, CancellationToken ct)
    {
        var order = await LoadAsync(orderId, ct);
        switch (order.Deliver(deliveryCode, Now))
        {
            case HandoverResult.NotReady:
                return Refused(Refusal.Transition(order.Status, "delivered"));
            case HandoverResult.Locked:
                return new DeliveryStep("delivery_code_locked",
                    $"Too many wrong delivery codes; delivery is locked until {order.PickupLockedUntil:yyyy-MM-ddTHH:mm:ssZ}.",
                    new Dictionary<string, object?> { ["lockedUntil"] = order.PickupLockedUntil });
            case HandoverResult.WrongCode:
                await db.SaveChangesAsync(ct);
                return new DeliveryStep("wrong_delivery_code", "That is not this order's delivery code.",
                    new Dictionary<string, object?> { ["attemptsLeft"] = Math.Max(0, Order.MaxWrongPickupCodes - order.WrongPickupCodes) });
            default:
                outbox.Publish(new OrderDelivered(NewId.Next(clock), Now, order.Id, order.MerchantId, order.StoreId, order.ConsumerId));
                await db.SaveChangesAsync(ct);
                return DeliveryStep.Done;
        }
    }

    public async Task<DeliveryStep> FailedAsync(Guid orderId, string reason, CancellationToken ct)
    {
        var order = await LoadAsync(orderId, ct);
        if (order.FailDelivery(reason, Now) is { } refusal)
        {
            return Refused(refusal);
        }

        outbox.Publish(new OrderDeliveryFailed(NewId.Next(clock), Now, order.Id, order.MerchantId, order.StoreId, order.ConsumerId, reason));
        await db.SaveChangesAsync(ct);
        return DeliveryStep.Done;
    }

    public async Task<DeliveryStep> ReturnedAsync(Guid orderId, Guid actor, CancellationToken ct)
    {
        var order = await LoadAsync(orderId, ct);
        if (order.ConfirmReturn(Now) is { } refusal)
        {
            return Refused(refusal);
        }

        await lifecycle.ReturnedAsync(order, actor, ct);
        return DeliveryStep.Done;
    }

    private async Task<Order> LoadAsync(Guid orderId, CancellationToken ct) =>
        await db.Set<Order>().Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == orderId, ct)
        ?? throw new InvalidOperationException($"Delivery job refers to order {orderId}, which does not exist.");

    private static DeliveryStep Refused(Refusal refusal) => new(refusal.Code, refusal.Detail);
}
