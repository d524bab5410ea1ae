using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;
using Tandem.Ordering.Orders;
using Tandem.Payments.Contracts;

namespace Tandem.Ordering.Cancelling;

/// <summary>Every field is optional, so unknown ones are refused rather than silently ignored.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CancelOrderRequest(string? Reason);

/// <summary>
/// Cancels an order: its consumer before the store accepted it, staff before it is handed over. The reservation is
/// released and money taken is refunded (decided in the same transaction, carried out with the provider right after).
/// </summary>
internal static class CancelOrder
{
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid orderId, CancelOrderRequest? request, ClaimsPrincipal user, OrderAccess access, OrderLifecycle lifecycle,
        IPayments payments, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        var reason = checks.Text("reason", request?.Reason, 200);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var (viewer, refund, problem) = await UnitOfWork.RetryOnConflictAsync(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var (found, notFound) = await access.LoadAsync(orderId, user, ct);
            if (found is null)
            {
                return (Viewer.Consumer, (Guid?)null, notFound);
            }

            var by = found.Role is >= MerchantRole.Staff ? CancelledBy.Store : CancelledBy.Consumer;
            var why = reason ?? (by == CancelledBy.Store ? "cancelled_by_store" : "cancelled_by_consumer");
            if (found.Order.Cancel(by, why, clock.GetUtcNow().UtcDateTime) is { } refusal)
            {
                return (found.Viewer, null, OrderAccess.Refused(refusal));
            }

            var refund = await lifecycle.CancelledAsync(found.Order, ct);
            await work.CommitAsync(ct);
            return (found.Viewer, refund, (ProblemHttpResult?)null);
        });
        if (problem is not null)
        {
            return problem;
        }

        if (refund is { } paymentId)
        {
            await payments.CompleteRefundAsync(paymentId, ct);
        }

        var order = await access.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, ct);
        return TypedResults.Ok(OrderResponse.For(order, viewer));
    }
}
