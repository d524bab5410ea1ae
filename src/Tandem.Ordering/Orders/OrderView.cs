using Tandem.Kernel;
using Tandem.Payments.Contracts;

namespace Tandem.Ordering.Orders;

public sealed record OrderLineView(Guid ProductId, string Name, int Quantity, MoneyDto UnitPrice, MoneyDto LineTotal);

public sealed record DeliveryWindowDto(DateTime Start, DateTime End);

/// <summary><c>window</c> is the promised delivery window; <c>slotStart</c> is set when the consumer chose a slot rather than "as soon as possible".</summary>
public sealed record FulfillmentView(string Type, string? Address, LocationDto? Location, DeliveryWindowDto? Window = null, DateTime? SlotStart = null);

public sealed record OrderPaymentView(Guid PaymentId, PaymentStatus Status);

/// <summary>An order exactly as API.md shapes it. <c>pickupCode</c> appears only for the consumer and only once paid.</summary>
public sealed record OrderResponse(
    Guid OrderId,
    Guid MerchantId,
    Guid StoreId,
    Guid ConsumerId,
    string Status,
    IReadOnlyList<OrderLineView> Lines,
    MoneyDto Subtotal,
    MoneyDto? DeliveryFee,
    MoneyDto Total,
    FulfillmentView Fulfillment,
    OrderPaymentView? Payment,
    string? PickupCode,
    bool AtRisk,
    DateTime CreatedAt,
    DateTime? PaidAt,
    DateTime? AcceptedAt,
    DateTime? ReadyAt,
    DateTime? CompletedAt,
    DateTime? CancelledAt,
    string? CancelReason,
    DateTime? ReservationExpiresAt,
    string? DeliveryCode = null,
    DateTime? OutForDeliveryAt = null,
    DateTime? DeliveredAt = null,
    DateTime? DeliveryFailedAt = null,
    string? DeliveryFailureReason = null,
    DateTime? ReturnedAt = null)
{
    internal static OrderResponse For(Order order, Viewer viewer)
    {
        var currency = order.Currency;
        return new OrderResponse(
            order.Id, order.MerchantId, order.StoreId, order.ConsumerId, OrderStatuses.Name(order.Status),
            order.Lines.OrderBy(l => l.LineNo)
                .Select(l => new OrderLineView(l.ProductId, l.Name, l.Quantity, new MoneyDto(l.UnitPrice, currency), MoneyDto.From(l.LineTotal)))
                .ToList(),
            new MoneyDto(order.Subtotal, currency),
            order.DeliveryFee is { } fee ? new MoneyDto(fee, currency) : null,
            new MoneyDto(order.Total, currency),
            order.Fulfillment == FulfillmentType.Pickup
                ? new FulfillmentView("pickup", null, null)
                : new FulfillmentView("delivery", order.DeliveryAddress, new LocationDto(order.DeliveryLat, order.DeliveryLng),
                    order is { DeliveryWindowStart: { } start, DeliveryWindowEnd: { } end } ? new DeliveryWindowDto(start, end) : null,
                    order.DeliverySlotStart),
            order is { PaymentId: { } paymentId, PaymentStatus: { } status } ? new OrderPaymentView(paymentId, status) : null,
            viewer == Viewer.Consumer && order.PickupCodeVisible ? order.PickupCode : null,
            order.AtRisk && order.IsOpen,
            order.CreatedAt, order.PaidAt, order.AcceptedAt, order.ReadyAt, order.CompletedAt, order.CancelledAt, order.CancelReason,
            order.ReservationExpiresAt,
            // The consumer tells the courier this code at the door, as they tell the counter their pickup code.
            viewer == Viewer.Consumer && order.Fulfillment == FulfillmentType.Delivery && order.PickupCodeVisible ? order.PickupCode : null,
            order.OutForDeliveryAt, order.DeliveredAt, order.DeliveryFailedAt, order.DeliveryFailureReason, order.ReturnedAt);
    }
}

public sealed record OrderListResponse(IReadOnlyList<OrderResponse> Items, string? NextCursor);

/// <summary>Who looks at an order: its consumer sees the pickup code, staff never do.</summary>
internal enum Viewer
{
    Consumer,
    Staff,
}
