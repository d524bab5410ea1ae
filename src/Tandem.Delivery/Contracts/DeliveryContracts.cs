using Tandem.Kernel;
using Tandem.Kernel.Outbox;

namespace Tandem.Delivery.Contracts;

/// <summary>What a delivery costs and when it arrives: <see cref="SlotStart"/> is null for "as soon as possible".</summary>
public sealed record DeliveryQuote(Money Fee, double DistanceKm, DateTime WindowStart, DateTime WindowEnd, DateTime? SlotStart);

/// <summary>Why a store cannot deliver: a stable code (<c>outside_delivery_area</c>, <c>below_minimum_order</c>, <c>unknown_slot</c>) and its field.</summary>
public sealed record DeliveryRefusal(string Code, string Detail, string? Field);

/// <summary>Either a quote or the reason there is none.</summary>
public sealed record DeliveryQuoteResult(DeliveryQuote? Quote, DeliveryRefusal? Refusal);

/// <summary>A paid delivery order as the delivery module plans it (the consumer's address travels only with the job).</summary>
public sealed record DeliveryOrder(
    Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId, string Address, GeoPoint Destination, int Items,
    DateTime WindowStart, DateTime WindowEnd, bool Asap, DateTime PaidAt);

/// <summary>
/// The delivery module's surface for Ordering. Every method works inside the caller's transaction on the shared
/// DbContext: an order, its slot and its delivery job commit together.
/// </summary>
public interface IDeliveryDesk
{
    /// <summary>The fee and promised window for delivering an order of <paramref name="subtotal"/> to <paramref name="destination"/>.</summary>
    Task<DeliveryQuoteResult> QuoteAsync(Guid storeId, GeoPoint destination, Money subtotal, DateTime? slotStart, CancellationToken ct);

    /// <summary>Takes one place in the store's slot with one conditional UPDATE; false when the slot is full.</summary>
    Task<bool> TakeSlotAsync(Guid storeId, DateTime slotStart, CancellationToken ct);

    /// <summary>Gives a place back (order cancelled or expired).</summary>
    Task ReleaseSlotAsync(Guid storeId, DateTime slotStart, CancellationToken ct);

    /// <summary>A delivery order was paid: a job is opened for planning (idempotent per order).</summary>
    Task OrderPaidAsync(DeliveryOrder order, CancellationToken ct);

    /// <summary>The store packed the order: the job may be picked up.</summary>
    Task OrderReadyAsync(Guid orderId, DateTime readyAt, CancellationToken ct);

    /// <summary>The order was cancelled: its job, if any, is withdrawn.</summary>
    Task OrderCancelledAsync(Guid orderId, CancellationToken ct);
}

/// <summary>The outcome of asking Ordering to move a delivery order on: null code when it moved.</summary>
public sealed record DeliveryStep(string? Code, string? Detail, IReadOnlyDictionary<string, object?>? Extensions = null)
{
    public static readonly DeliveryStep Done = new(null, null);

    public bool Succeeded => Code is null;
}

/// <summary>
/// Implemented by Ordering: the order follows its delivery. Declared here so Delivery does not depend on Ordering.
/// Each call runs inside the caller's transaction.
/// </summary>
public interface IDeliveryOrders
{
    /// <summary>The courier has the goods: <c>ready_for_dispatch → out_for_delivery</c>; the reserved goods leave the store as a <c>sale</c>.</summary>
    Task<DeliveryStep> PickedUpAsync(Guid orderId, Guid actor, CancellationToken ct);

    /// <summary>Handed to the consumer against their delivery code: <c>out_for_delivery → delivered</c>.</summary>
    Task<DeliveryStep> DeliveredAsync(Guid orderId, string deliveryCode, Guid actor, CancellationToken ct);

    /// <summary>Not delivered (<c>not_home</c>, <c>refused</c>): <c>out_for_delivery → delivery_failed</c>.</summary>
    Task<DeliveryStep> FailedAsync(Guid orderId, string reason, CancellationToken ct);

    /// <summary>Staff confirm the goods are back: <c>delivery_failed → returned</c>, onHand rises with movement <c>return</c>.</summary>
    Task<DeliveryStep> ReturnedAsync(Guid orderId, Guid actor, CancellationToken ct);
}

/// <summary>A courier was given (or lost) a job by a dispatch batch or a dispatcher.</summary>
public sealed record DeliveryJobAssigned(
    Guid EventId, DateTime OccurredAt, Guid JobId, Guid OrderId, Guid StoreId, Guid? CourierId, bool Manual) : IIntegrationEvent;

/// <summary>A job cannot be served in its window by the couriers on shift: the dispatcher must act.</summary>
public sealed record DeliveryJobFlagged(
    Guid EventId, DateTime OccurredAt, Guid JobId, Guid OrderId, Guid StoreId, string Reason) : IIntegrationEvent;

/// <summary>The <c>/hubs/delivery</c> message <c>jobChanged</c>: a job was planned, assigned, collected, delivered, failed or returned.</summary>
public sealed record JobChangedMessage(Guid JobId, Guid OrderId, Guid StoreId, string Status, Guid? CourierId, string? Flag, DateTime? PlannedDeliveryAt);

/// <summary>The <c>/hubs/delivery</c> message <c>courierPosition</c>. <c>orderId</c> and <c>etaSeconds</c> are set only in an order's group.</summary>
public sealed record CourierPositionMessage(Guid CourierId, double Lat, double Lng, DateTime At, string Vehicle, Guid? OrderId, int? EtaSeconds);
