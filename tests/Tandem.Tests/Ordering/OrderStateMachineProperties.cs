using CsCheck;
using Tandem.Kernel;
using Tandem.Ordering.Orders;
using Tandem.Payments.Contracts;

namespace Tandem.Tests.Ordering;

/// <summary>
/// The order's state machine against an independent model of API.md's rules, over random sequences of actions
/// (including the clock moving past the reservation and past the pickup lock).
/// </summary>
public sealed class OrderStateMachineProperties
{
    private enum Act
    {
        StartPayment,
        PaymentSucceeded,
        PaymentOfWrongAmount,
        Accept,
        MarkReady,
        HandoverRightCode,
        HandoverWrongCode,
        CancelByConsumer,
        CancelByStore,
        Expire,
        WaitMinutes,
        StartDelivery,
        DeliverRightCode,
        DeliverWrongCode,
        FailDelivery,
        ConfirmReturn,
    }

    private static readonly OrderStatus[] Closed =
        [OrderStatus.Completed, OrderStatus.Cancelled, OrderStatus.Delivered, OrderStatus.Returned];

    private static readonly OrderStatus[] Open =
        [OrderStatus.AwaitingPayment, OrderStatus.Paid, OrderStatus.Accepted, OrderStatus.ReadyForPickup, OrderStatus.ReadyForDispatch];

    private sealed record Step(Act Act, int Minutes);

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.OneOf(Enum.GetValues<Act>()), Gen.Int[1, 20], (a, m) => new Step(a, m));

    private static readonly Gen<(bool Delivery, Step[] Steps)> Scenario = Gen.Select(Gen.Bool, StepGen.Array[1, 40]);

    private static readonly DateTime Start = new(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    [Fact]
    public void Every_sequence_of_actions_follows_the_rules_of_API_md()
    {
        Scenario.Sample((delivery, steps) =>
        {
            var order = NewOrder(delivery);
            var model = new Model();
            var now = Start;
            foreach (var step in steps)
            {
                var versionBefore = order.Version;
                var statusBefore = order.Status;
                bool accepted;
                switch (step.Act)
                {
                    case Act.WaitMinutes:
                        now = now.AddMinutes(step.Minutes);
                        continue;
                    case Act.StartPayment:
                        accepted = order.StartPayment(Guid.NewGuid(), now, Grace) is null;
                        accepted.ShouldBe(model.Status == OrderStatus.AwaitingPayment && now < model.ExpiresAt);
                        model.PaymentPending |= accepted;
                        break;
                    case Act.PaymentSucceeded:
                        accepted = order.MarkPaid(Guid.NewGuid(), order.TotalMoney, now);
                        accepted.ShouldBe(model.Status == OrderStatus.AwaitingPayment && !model.IsExpired(now));
                        if (accepted)
                        {
                            model.Status = OrderStatus.Paid;
                        }

                        break;
                    case Act.PaymentOfWrongAmount:
                        order.MarkPaid(Guid.NewGuid(), order.TotalMoney + Money.Yuan(1), now).ShouldBeFalse();
                        accepted = false;
                        break;
                    case Act.Accept:
                        accepted = order.Accept(now) is null;
                        accepted.ShouldBe(model.Status == OrderStatus.Paid);
                        if (accepted)
                        {
                            model.Status = OrderStatus.Accepted;
                        }

                        break;
                    case Act.MarkReady:
                        accepted = order.MarkReady(now) is null;
                        accepted.ShouldBe(model.Status == OrderStatus.Accepted);
                        if (accepted)
                        {
                            model.Status = delivery ? OrderStatus.ReadyForDispatch : OrderStatus.ReadyForPickup;
                        }

                        break;
                    case Act.HandoverRightCode:
                    case Act.HandoverWrongCode:
                        var right = step.Act == Act.HandoverRightCode;
                        var result = order.Handover(right ? order.PickupCode : "000000", now);
                        result.ShouldBe(model.Handover(right, now));
                        accepted = result is HandoverResult.Completed or HandoverResult.WrongCode;
                        break;
                    case Act.CancelByConsumer:
                        accepted = order.Cancel(CancelledBy.Consumer, "changed my mind", now) is null;
                        accepted.ShouldBe(model.Status is OrderStatus.AwaitingPayment or OrderStatus.Paid);
                        if (accepted)
                        {
                            model.Status = OrderStatus.Cancelled;
                        }

                        break;
                    case Act.StartDelivery:
                        accepted = order.StartDelivery(now) is null;
                        accepted.ShouldBe(model.Status == OrderStatus.ReadyForDispatch);
                        if (accepted)
                        {
                            model.Status = OrderStatus.OutForDelivery;
                        }

                        break;
                    case Act.DeliverRightCode:
                    case Act.DeliverWrongCode:
                        var rightAtDoor = step.Act == Act.DeliverRightCode;
                        var delivered = order.Deliver(rightAtDoor ? order.PickupCode : "000000", now);
                        delivered.ShouldBe(model.Deliver(rightAtDoor, now));
                        accepted = delivered is HandoverResult.Completed or HandoverResult.WrongCode;
                        break;
                    case Act.FailDelivery:
                        accepted = order.FailDelivery("not_home", now) is null;
                        accepted.ShouldBe(model.Status == OrderStatus.OutForDelivery);
                        if (accepted)
                        {
                            model.Status = OrderStatus.DeliveryFailed;
                        }

                        break;
                    case Act.ConfirmReturn:
                        accepted = order.ConfirmReturn(now) is null;
                        accepted.ShouldBe(model.Status == OrderStatus.DeliveryFailed);
                        if (accepted)
                        {
                            model.Status = OrderStatus.Returned;
                        }

                        break;
                    case Act.CancelByStore:
                        accepted = order.Cancel(CancelledBy.Store, "out of stock", now) is null;
                        accepted.ShouldBe(Open.Contains(model.Status), "once the goods left with a courier the order can no longer be cancelled");
                        if (accepted)
                        {
                            model.Status = OrderStatus.Cancelled;
                        }

                        break;
                    case Act.Expire:
                        accepted = order.Expire(now) is null;
                        accepted.ShouldBe(model.IsExpired(now), "a payment started in time holds the order for its grace");
                        if (accepted)
                        {
                            model.Status = OrderStatus.Cancelled;
                            model.Expired = true;
                        }

                        break;
                    default:
                        throw new InvalidOperationException();
                }

                order.Status.ShouldBe(model.Status, $"after {step.Act} from {statusBefore}");
                (order.Version > versionBefore).ShouldBe(accepted, $"the version moves exactly when {step.Act} changed something");
                if (Closed.Contains(statusBefore))
                {
                    order.Status.ShouldBe(statusBefore, "a closed order stays closed");
                }

                CheckInvariants(order, model, now);
            }
        }, iter: 2000, threads: 1);
    }

    private static void CheckInvariants(Order order, Model model, DateTime now)
    {
        order.IsOpen.ShouldBe(Open.Contains(order.Status), "open = still holding a reservation");
        (order.OpenPickupCode is not null).ShouldBe(order.IsOpen, "the pickup code is unique among open orders only");
        order.PickupCodeVisible.ShouldBe(order.Status is OrderStatus.Paid or OrderStatus.Accepted or OrderStatus.ReadyForPickup
            or OrderStatus.ReadyForDispatch or OrderStatus.OutForDelivery);
        (order.OutForDeliveryAt is not null).ShouldBe(order.Status is OrderStatus.OutForDelivery or OrderStatus.Delivered
            or OrderStatus.DeliveryFailed or OrderStatus.Returned);
        (order.DeliveredAt is not null).ShouldBe(order.Status == OrderStatus.Delivered);
        (order.DeliveryFailedAt is not null).ShouldBe(order.Status is OrderStatus.DeliveryFailed or OrderStatus.Returned);
        if (order.PickupCodeVisible || order.Status == OrderStatus.Completed)
        {
            order.PaidAt.ShouldNotBeNull("every order past payment was paid");
        }
        else if (order.Status == OrderStatus.AwaitingPayment)
        {
            order.PaidAt.ShouldBeNull();
        }

        (order.CompletedAt is not null).ShouldBe(order.Status == OrderStatus.Completed);
        (order.CancelledAt is not null).ShouldBe(order.Status == OrderStatus.Cancelled);
        if (model.Expired)
        {
            order.CancelReason.ShouldBe(Order.PaymentTimeoutReason);
            order.CanStartPayment(now)!.Code.ShouldBe("order_expired");
        }

        order.Total.ShouldBe(order.Subtotal + (order.DeliveryFee ?? 0));
        order.Subtotal.ShouldBe(order.Lines.Sum(l => l.UnitPrice * l.Quantity));
        order.IsExpired(now).ShouldBe(model.IsExpired(now));
        if (order.Status == OrderStatus.AwaitingPayment && now >= model.ExpiresAt)
        {
            order.CanStartPayment(now)!.Code.ShouldBe("order_expired");
        }
    }

    private static Order NewOrder(bool delivery) =>
        Order.Place(Guid.CreateVersion7(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(),
        [
            new OrderLine { LineNo = 1, ProductId = Guid.NewGuid(), Name = "龙井", Quantity = 3, UnitPrice = 1299, Currency = Money.Cny },
            new OrderLine { LineNo = 2, ProductId = Guid.NewGuid(), Name = "藕粉", Quantity = 1, UnitPrice = 850, Currency = Money.Cny },
        ],
        delivery ? Money.Yuan(600) : null,
        delivery ? FulfillmentType.Delivery : FulfillmentType.Pickup,
        delivery ? "湖滨路 1 号" : null,
        delivery ? new GeoPoint(30.27, 120.15) : null,
        "123456", Start, Timeout);

    /// <summary>API.md's rules, written out independently of the entity.</summary>
    private sealed class Model
    {
        public OrderStatus Status { get; set; } = OrderStatus.AwaitingPayment;
        public DateTime ExpiresAt { get; } = Start + Timeout;
        public bool Expired { get; set; }

        public bool PaymentPending { get; set; }

        public bool IsExpired(DateTime now) =>
            Status == OrderStatus.AwaitingPayment && now >= ExpiresAt && !(PaymentPending && now < ExpiresAt + Grace);
        private int _wrong;
        private DateTime? _lockedUntil;

        public HandoverResult Handover(bool rightCode, DateTime now)
        {
            if (Status is not (OrderStatus.ReadyForPickup or OrderStatus.ReadyForDispatch))
            {
                return HandoverResult.NotReady;
            }

            if (_lockedUntil is { } until)
            {
                if (now < until)
                {
                    return HandoverResult.Locked;
                }

                _lockedUntil = null;
                _wrong = 0;
            }

            if (!rightCode)
            {
                if (++_wrong >= 5)
                {
                    _lockedUntil = now.AddMinutes(15);
                }

                return HandoverResult.WrongCode;
            }

            Status = OrderStatus.Completed;
            return HandoverResult.Completed;
        }

        /// <summary>At the door the consumer's code is checked like at the counter, sharing its count of wrong codes.</summary>
        public HandoverResult Deliver(bool rightCode, DateTime now)
        {
            if (Status != OrderStatus.OutForDelivery)
            {
                return HandoverResult.NotReady;
            }

            if (_lockedUntil is { } until)
            {
                if (now < until)
                {
                    return HandoverResult.Locked;
                }

                _lockedUntil = null;
                _wrong = 0;
            }

            if (!rightCode)
            {
                if (++_wrong >= 5)
                {
                    _lockedUntil = now.AddMinutes(15);
                }

                return HandoverResult.WrongCode;
            }

            Status = OrderStatus.Delivered;
            return HandoverResult.Completed;
        }
    }

    [Fact]
    public void Totals_are_exact_in_fen()
    {
        Gen.Select(Gen.Long[0, 10_000_000], Gen.Int[1, 999], Gen.Long[0, 100_000]).Array[1, 100].Sample(lines =>
        {
            var orderLines = lines.Select((l, i) => new OrderLine
            {
                LineNo = i + 1,
                ProductId = Guid.NewGuid(),
                Name = "x",
                Quantity = l.Item2,
                UnitPrice = l.Item1,
                Currency = Money.Cny,
            }).ToList();
            var fee = lines[0].Item3;
            var order = Order.Place(Guid.CreateVersion7(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), orderLines, Money.Yuan(fee),
                FulfillmentType.Delivery, "a", new GeoPoint(0, 0), "000001", Start, Timeout);
            order.Subtotal.ShouldBe(lines.Sum(l => l.Item1 * l.Item2));
            order.DeliveryFee.ShouldBe(fee);
            order.Total.ShouldBe(order.Subtotal + fee);
            order.PaymentStatus.ShouldBeNull();
            order.StartPayment(Guid.NewGuid(), Start, Grace).ShouldBeNull();
            order.PaymentStatus.ShouldBe(PaymentStatus.Pending);
        }, iter: 300);
    }
}
