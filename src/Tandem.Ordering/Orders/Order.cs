using Tandem.Inventory.Contracts;
using Tandem.Kernel;
using Tandem.Payments.Contracts;

namespace Tandem.Ordering.Orders;

internal enum OrderStatus
{
    AwaitingPayment,
    Paid,
    Accepted,
    ReadyForPickup,
    ReadyForDispatch,
    Completed,
    Cancelled,
    OutForDelivery,
    Delivered,
    DeliveryFailed,
    Returned,
}

internal enum FulfillmentType
{
    Pickup,
    Delivery,
}

/// <summary>Who cancels: a consumer only before the store accepted; the store until the goods are handed over.</summary>
internal enum CancelledBy
{
    Consumer,
    Store,
    PaymentTimeout,
}

/// <summary>Why a transition was refused: the stable code API.md names and a sentence for people.</summary>
internal sealed record Refusal(string Code, string Detail)
{
    public static Refusal Transition(OrderStatus from, string action) =>
        new("invalid_transition", $"An order that is {OrderStatuses.Name(from)} cannot be {action}.");
}

internal enum HandoverResult
{
    Completed,
    WrongCode,
    Locked,
    NotReady,
}

/// <summary>When a delivery order arrives: the promised window and, when the consumer chose one, the slot it holds a place in.</summary>
internal sealed record DeliveryPromise(DateTime WindowStart, DateTime WindowEnd, DateTime? SlotStart);

/// <summary>
/// An order of one consumer at one store. Its state machine:
/// awaiting_payment → paid → accepted → ready_for_pickup | ready_for_dispatch → completed; a delivery goes on
/// ready_for_dispatch → out_for_delivery → delivered | delivery_failed → returned. Cancelled from
/// awaiting_payment or paid (consumer), any state before completed (store), or awaiting_payment past its
/// reservation (payment timeout). Every transition is a method that refuses illegal moves with a named reason,
/// and bumps <see cref="Version"/>, the concurrency token that lets exactly one of pay, cancel and expiry win.
/// </summary>
internal sealed class Order
{
    public const int MaxWrongPickupCodes = 5;
    public static readonly TimeSpan PickupLock = TimeSpan.FromMinutes(15);
    public const string PaymentTimeoutReason = "payment_timeout";

    public static readonly OrderStatus[] OpenStatuses =
        [OrderStatus.AwaitingPayment, OrderStatus.Paid, OrderStatus.Accepted, OrderStatus.ReadyForPickup, OrderStatus.ReadyForDispatch];

    private Order()
    {
    }

    public Guid Id { get; private init; }
    public Guid MerchantId { get; private init; }
    public Guid StoreId { get; private init; }
    public Guid ConsumerId { get; private init; }
    public OrderStatus Status { get; private set; }
    public List<OrderLine> Lines { get; private init; } = [];
    public string Currency { get; private init; } = Money.Cny;
    public long Subtotal { get; private init; }
    public long? DeliveryFee { get; private init; }
    public long Total { get; private init; }
    public FulfillmentType Fulfillment { get; private init; }
    public string? DeliveryAddress { get; private init; }
    public double? DeliveryLat { get; private init; }
    public double? DeliveryLng { get; private init; }
    public Guid? PaymentId { get; private set; }
    public PaymentStatus? PaymentStatus { get; private set; }

    /// <summary>
    /// Set when a payment starts before the reservation expires: while that payment is pending the order is not
    /// expired before this (the reservation plus a short grace), so money the consumer sent in time is not refunded
    /// because the provider answered a moment late.
    /// </summary>
    public DateTime? PaymentHoldUntil { get; private set; }
    public string PickupCode { get; private init; } = "";

    /// <summary>The pickup code while the order is open, null after: unique per store among open orders (a unique index).</summary>
    public string? OpenPickupCode { get; private set; }
    public int WrongPickupCodes { get; private set; }
    public DateTime? PickupLockedUntil { get; private set; }

    /// <summary>Set by the at-risk rule (set-based, outside the state machine): stock no longer covers this open order.</summary>
    public bool AtRisk { get; private set; }
    public DateTime CreatedAt { get; private init; }
    public DateTime ReservationExpiresAt { get; private init; }
    public DateTime? PaidAt { get; private set; }
    public DateTime? AcceptedAt { get; private set; }
    public DateTime? ReadyAt { get; private set; }
    public DateTime? CompletedAt { get; private set; }
    public DateTime? CancelledAt { get; private set; }
    public string? CancelReason { get; private set; }
    public CancelledBy? CancelledBy { get; private set; }
    public DateTime? DeliveryWindowStart { get; private init; }
    public DateTime? DeliveryWindowEnd { get; private init; }

    /// <summary>The slot this order holds a place in (released if it is cancelled), or null for as soon as possible.</summary>
    public DateTime? DeliverySlotStart { get; private init; }
    public DateTime? OutForDeliveryAt { get; private set; }
    public DateTime? DeliveredAt { get; private set; }
    public DateTime? DeliveryFailedAt { get; private set; }
    public string? DeliveryFailureReason { get; private set; }
    public DateTime? ReturnedAt { get; private set; }
    public int Version { get; private set; }

    public bool IsOpen => OpenStatuses.Contains(Status);

    /// <summary>The consumer sees the code once the order is paid and while it can still be used (not after handover or cancellation).</summary>
    public bool PickupCodeVisible => Status is OrderStatus.Paid or OrderStatus.Accepted or OrderStatus.ReadyForPickup
        or OrderStatus.ReadyForDispatch or OrderStatus.OutForDelivery;

    public Money TotalMoney => new(Total, Currency);

    public IReadOnlyList<StockLine> StockLines => Lines.Select(l => new StockLine(l.ProductId, l.Quantity)).ToList();

    public static Order Place(
        Guid id, Guid merchantId, Guid storeId, Guid consumerId, IReadOnlyList<OrderLine> lines, Money? deliveryFee,
        FulfillmentType fulfillment, string? deliveryAddress, GeoPoint? deliveryLocation, string pickupCode,
        DateTime now, TimeSpan paymentTimeout, DeliveryPromise? promise = null)
    {
        var currency = lines.Count > 0 ? lines[0].Currency : Money.Cny;
        var subtotal = lines.Aggregate(new Money(0, currency), (sum, line) => sum + line.LineTotal);
        var total = deliveryFee is { } fee ? subtotal + fee : subtotal;
        return new Order
        {
            Id = id,
            MerchantId = merchantId,
            StoreId = storeId,
            ConsumerId = consumerId,
            Status = OrderStatus.AwaitingPayment,
            Lines = lines.ToList(),
            Currency = currency,
            Subtotal = subtotal.Amount,
            DeliveryFee = deliveryFee?.Amount,
            Total = total.Amount,
            Fulfillment = fulfillment,
            DeliveryAddress = deliveryAddress,
            DeliveryLat = deliveryLocation?.Lat,
            DeliveryLng = deliveryLocation?.Lng,
            PickupCode = pickupCode,
            OpenPickupCode = pickupCode,
            CreatedAt = now,
            ReservationExpiresAt = now + paymentTimeout,
            DeliveryWindowStart = promise?.WindowStart,
            DeliveryWindowEnd = promise?.WindowEnd,
            DeliverySlotStart = promise?.SlotStart,
        };
    }

    /// <summary>Paying is possible only while awaiting payment and before the reservation expires.</summary>
    public Refusal? CanStartPayment(DateTime now)
    {
        if (Status == OrderStatus.AwaitingPayment && now >= ReservationExpiresAt
            || Status == OrderStatus.Cancelled && CancelledBy == Orders.CancelledBy.PaymentTimeout)
        {
            return new Refusal("order_expired", "The order was not paid in time; its reservation has been released.");
        }

        return Status != OrderStatus.AwaitingPayment ? Refusal.Transition(Status, "paid") : null;
    }

    /// <summary>
    /// The consumer starts paying with payment <paramref name="paymentId"/> (a new attempt replaces a declined or pending
    /// one). While it is pending, the order is held <paramref name="grace"/> past its reservation.
    /// </summary>
    public Refusal? StartPayment(Guid paymentId, DateTime now, TimeSpan grace)
    {
        if (CanStartPayment(now) is { } refusal)
        {
            return refusal;
        }

        PaymentHoldUntil = ReservationExpiresAt + grace;
        PaymentId = paymentId;
        PaymentStatus = Payments.Contracts.PaymentStatus.Pending;
        return Touch();
    }

    /// <summary>The provider confirmed the money. False (the money goes back) unless the order still awaits it.</summary>
    public bool MarkPaid(Guid paymentId, Money amount, DateTime now)
    {
        if (Status != OrderStatus.AwaitingPayment || IsExpired(now) || amount != TotalMoney)
        {
            return false;
        }

        Status = OrderStatus.Paid;
        PaidAt = now;
        PaymentId = paymentId;
        PaymentStatus = Payments.Contracts.PaymentStatus.Succeeded;
        Touch();
        return true;
    }

    /// <summary>Mirrors the status of the order's current payment (declined, refund pending, refunded).</summary>
    public void MirrorPayment(Guid paymentId, PaymentStatus status)
    {
        if (PaymentId == paymentId && PaymentStatus != status)
        {
            PaymentStatus = status;
            Touch();
        }
    }

    public Refusal? Accept(DateTime now)
    {
        if (Status != OrderStatus.Paid)
        {
            return Refusal.Transition(Status, "accepted");
        }

        Status = OrderStatus.Accepted;
        AcceptedAt = now;
        return Touch();
    }

    public Refusal? MarkReady(DateTime now)
    {
        if (Status != OrderStatus.Accepted)
        {
            return Refusal.Transition(Status, "marked ready");
        }

        Status = Fulfillment == FulfillmentType.Pickup ? OrderStatus.ReadyForPickup : OrderStatus.ReadyForDispatch;
        ReadyAt = now;
        return Touch();
    }

    /// <summary>
    /// The goods change hands against the consumer's code. Five wrong codes lock handover for fifteen minutes;
    /// a wrong code is remembered even though the attempt fails.
    /// </summary>
    public HandoverResult Handover(string code, DateTime now)
    {
        if (Status is not (OrderStatus.ReadyForPickup or OrderStatus.ReadyForDispatch))
        {
            return HandoverResult.NotReady;
        }

        if (CheckCode(code, now) is { } refused)
        {
            return refused;
        }

        Status = OrderStatus.Completed;
        CompletedAt = now;
        Close();
        Touch();
        return HandoverResult.Completed;
    }

    /// <summary>A courier collected a delivery order: its reservation becomes a sale (the caller moves the stock).</summary>
    public Refusal? StartDelivery(DateTime now)
    {
        if (Status != OrderStatus.ReadyForDispatch)
        {
            return Refusal.Transition(Status, "sent out for delivery");
        }

        Status = OrderStatus.OutForDelivery;
        OutForDeliveryAt = now;
        // The goods left the store: the order no longer holds stock nor a counter pickup code.
        OpenPickupCode = null;
        AtRisk = false;
        return Touch();
    }

    /// <summary>
    /// The courier hands the goods over against the consumer's code (the same six digits as the pickup code, shown to
    /// the consumer as the delivery code). Wrong codes count and lock exactly as at the counter.
    /// </summary>
    public HandoverResult Deliver(string code, DateTime now)
    {
        if (Status != OrderStatus.OutForDelivery)
        {
            return HandoverResult.NotReady;
        }

        if (CheckCode(code, now) is { } refused)
        {
            return refused;
        }

        Status = OrderStatus.Delivered;
        DeliveredAt = now;
        Touch();
        return HandoverResult.Completed;
    }

    public Refusal? FailDelivery(string reason, DateTime now)
    {
        if (Status != OrderStatus.OutForDelivery)
        {
            return Refusal.Transition(Status, "reported as a failed delivery");
        }

        Status = OrderStatus.DeliveryFailed;
        DeliveryFailedAt = now;
        DeliveryFailureReason = reason;
        return Touch();
    }

    /// <summary>Staff have the goods of a failed delivery back on the shelf (the caller puts them back into stock).</summary>
    public Refusal? ConfirmReturn(DateTime now)
    {
        if (Status != OrderStatus.DeliveryFailed)
        {
            return Refusal.Transition(Status, "returned to stock");
        }

        Status = OrderStatus.Returned;
        ReturnedAt = now;
        return Touch();
    }

    /// <summary>Null when <paramref name="code"/> is the order's code and handover is not locked; a wrong code counts towards the lock.</summary>
    private HandoverResult? CheckCode(string code, DateTime now)
    {
        if (PickupLockedUntil is { } until)
        {
            if (until > now)
            {
                return HandoverResult.Locked;
            }

            PickupLockedUntil = null;
            WrongPickupCodes = 0;
        }

        if (!string.Equals(code, PickupCode, StringComparison.Ordinal))
        {
            WrongPickupCodes++;
            if (WrongPickupCodes >= MaxWrongPickupCodes)
            {
                PickupLockedUntil = now + PickupLock;
            }

            Touch();
            return HandoverResult.WrongCode;
        }

        return null;
    }

    public Refusal? Cancel(CancelledBy by, string reason, DateTime now)
    {
        var allowed = by switch
        {
            Orders.CancelledBy.Consumer => Status is OrderStatus.AwaitingPayment or OrderStatus.Paid,
            Orders.CancelledBy.Store => IsOpen,
            _ => false,
        };
        if (!allowed)
        {
            return Refusal.Transition(Status, by == Orders.CancelledBy.Consumer ? "cancelled by its consumer" : "cancelled");
        }

        CancelOnce(by, reason, now);
        return null;
    }

    /// <summary>The reservation ran out before the money arrived: cancelled with reason <c>payment_timeout</c>. Never a paid order.</summary>
    public Refusal? Expire(DateTime now)
    {
        if (!IsExpired(now))
        {
            return Refusal.Transition(Status, "expired");
        }

        CancelOnce(Orders.CancelledBy.PaymentTimeout, PaymentTimeoutReason, now);
        return null;
    }

    /// <summary>Unpaid past the reservation, and no payment started in time is still pending within its grace.</summary>
    public bool IsExpired(DateTime now) =>
        Status == OrderStatus.AwaitingPayment && now >= ReservationExpiresAt
        && !(PaymentStatus == Payments.Contracts.PaymentStatus.Pending && PaymentHoldUntil > now);

    private void CancelOnce(CancelledBy by, string reason, DateTime now)
    {
        Status = OrderStatus.Cancelled;
        CancelledAt = now;
        CancelledBy = by;
        CancelReason = reason;
        Close();
        Touch();
    }

    private void Close()
    {
        OpenPickupCode = null;
        AtRisk = false;
    }

    private Refusal? Touch()
    {
        Version++;
        return null;
    }
}

/// <summary>A line as ordered: the product's name and price are copied, so later catalogue changes do not rewrite the order.</summary>
internal sealed class OrderLine
{
    public int LineNo { get; init; }
    public Guid ProductId { get; init; }
    public required string Name { get; init; }
    public int Quantity { get; init; }
    public long UnitPrice { get; init; }
    public required string Currency { get; init; }

    public Money LineTotal => new Money(UnitPrice, Currency).Times(Quantity);
}

internal static class OrderStatuses
{
    public static string Name(OrderStatus status) => status switch
    {
        OrderStatus.AwaitingPayment => "awaiting_payment",
        OrderStatus.ReadyForPickup => "ready_for_pickup",
        OrderStatus.ReadyForDispatch => "ready_for_dispatch",
        OrderStatus.OutForDelivery => "out_for_delivery",
        OrderStatus.DeliveryFailed => "delivery_failed",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string? name, out OrderStatus status)
    {
        foreach (var candidate in Enum.GetValues<OrderStatus>())
        {
            if (Name(candidate) == name)
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
