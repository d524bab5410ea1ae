using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Delivery.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Ordering.Contracts;
using Tandem.Ordering.Orders;

namespace Tandem.Ordering.Fulfilment;

/// <summary>The store works an order: accept a paid order, then mark it ready for pickup or dispatch.</summary>
internal static class StoreActions
{
    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Accept(
        Guid orderId, ClaimsPrincipal user, OrderAccess access, TandemDbContext db, Outbox outbox, TimeProvider clock, CancellationToken ct) =>
        TransitionAsync(orderId, user, access, db, order =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var refusal = order.Accept(now);
            if (refusal is null)
            {
                outbox.Publish(new OrderAccepted(NewId.Next(clock), now, order.Id, order.MerchantId, order.StoreId, order.ConsumerId));
            }

            return refusal;
        }, ct);

    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> MarkReady(
        Guid orderId, ClaimsPrincipal user, OrderAccess access, TandemDbContext db, Outbox outbox, IDeliveryDesk delivery, TimeProvider clock,
        CancellationToken ct) =>
        TransitionAsync(orderId, user, access, db, async order =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var refusal = order.MarkReady(now);
            if (refusal is null)
            {
                outbox.Publish(new OrderReady(NewId.Next(clock), now, order.Id, order.MerchantId, order.StoreId, order.ConsumerId,
                    order.Fulfillment == FulfillmentType.Pickup ? "pickup" : "delivery"));
                if (order.Fulfillment == FulfillmentType.Delivery)
                {
                    await delivery.OrderReadyAsync(order.Id, now, ct);
                }
            }

            return refusal;
        }, ct);

    private static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> TransitionAsync(
        Guid orderId, ClaimsPrincipal user, OrderAccess access, TandemDbContext db, Func<Order, Refusal?> transition, CancellationToken ct) =>
        TransitionAsync(orderId, user, access, db, order => Task.FromResult(transition(order)), ct);

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> TransitionAsync(
        Guid orderId, ClaimsPrincipal user, OrderAccess access, TandemDbContext db, Func<Order, Task<Refusal?>> transition, CancellationToken ct) =>
        await UnitOfWork.RetryOnConflictAsync<Results<Ok<OrderResponse>, ProblemHttpResult>>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var (order, problem) = await access.LoadForStaffAsync(orderId, user, MerchantRole.Staff, ct);
            if (order is null)
            {
                return problem!;
            }

            if (await transition(order) is { } refusal)
            {
                return OrderAccess.Refused(refusal);
            }

            await work.CommitAsync(ct);
            return TypedResults.Ok(OrderResponse.For(order, Viewer.Staff));
        });
}
