using Tandem.Kernel.Outbox;

namespace Tandem.Ordering.Contracts;

/// <summary>A quantity of a product in an order or sale, as events carry it.</summary>
public sealed record OrderedQuantity(Guid ProductId, int Quantity);

/// <summary>An order was placed and its stock reserved; it awaits payment until <see cref="ReservationExpiresAt"/>.</summary>
public sealed record OrderPlaced(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId,
    IReadOnlyList<OrderedQuantity> Lines, long Total, string Currency, string Fulfillment, DateTime ReservationExpiresAt) : IIntegrationEvent;

/// <summary>The order's payment succeeded.</summary>
public sealed record OrderPaid(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId,
    Guid PaymentId, long Amount, string Currency) : IIntegrationEvent;

/// <summary>The store accepted the order.</summary>
public sealed record OrderAccepted(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId) : IIntegrationEvent;

/// <summary>The order is packed: <see cref="Fulfillment"/> <c>pickup</c> (ready for pickup) or <c>delivery</c> (ready for dispatch).</summary>
public sealed record OrderReady(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId, string Fulfillment) : IIntegrationEvent;

/// <summary>The goods were handed over; the reserved stock left the store as a sale.</summary>
public sealed record OrderCompleted(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId,
    IReadOnlyList<OrderedQuantity> Lines, long Total, string Currency) : IIntegrationEvent;

/// <summary>
/// The order was cancelled (by its consumer, the store, or the payment timeout: <see cref="Reason"/> <c>payment_timeout</c>);
/// its reservation was released. <see cref="RefundedPaymentId"/> names a payment being refunded.
/// </summary>
public sealed record OrderCancelled(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId,
    IReadOnlyList<OrderedQuantity> Lines, string Reason, string CancelledBy, Guid? RefundedPaymentId) : IIntegrationEvent;

/// <summary>A counter sale was recorded; its goods left the store (stock may now be short of online reservations).</summary>
public sealed record CounterSaleRecorded(
    Guid EventId, DateTime OccurredAt, Guid SaleId, Guid MerchantId, Guid StoreId, Guid CashierId,
    IReadOnlyList<OrderedQuantity> Lines, long Total, string Currency, string PaymentMethod) : IIntegrationEvent;

/// <summary>A courier collected a delivery order; its reserved stock left the store as a sale.</summary>
public sealed record OrderOutForDelivery(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId,
    IReadOnlyList<OrderedQuantity> Lines, long Total, string Currency) : IIntegrationEvent;

/// <summary>The courier handed a delivery order to its consumer against their code.</summary>
public sealed record OrderDelivered(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId) : IIntegrationEvent;

/// <summary>A delivery failed (<see cref="Reason"/> <c>not_home</c>, <c>refused</c>, ...); the goods are on their way back to the store.</summary>
public sealed record OrderDeliveryFailed(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId, string Reason) : IIntegrationEvent;

/// <summary>Staff confirmed the goods of a failed delivery are back in stock.</summary>
public sealed record OrderReturned(
    Guid EventId, DateTime OccurredAt, Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId,
    IReadOnlyList<OrderedQuantity> Lines) : IIntegrationEvent;
