using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;
using Tandem.Ordering.Orders;

namespace Tandem.Ordering.Pickup;

public sealed record HandoverRequest(string? PickupCode);

/// <summary>
/// Goods change hands against the consumer's six-digit code: by order (<c>/orders/{id}/handover</c>) or, when the
/// counter only has the code, by store (<c>/stores/{id}/pickups</c>). Five wrong codes lock the order's handover for
/// fifteen minutes. The reserved stock leaves the store as a <c>sale</c>.
/// </summary>
internal static class Handover
{
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ByOrder(
        Guid orderId, HandoverRequest request, ClaimsPrincipal user, OrderAccess access, OrderLifecycle lifecycle,
        TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (Code(request) is not { } code)
        {
            return InvalidCode();
        }

        return await UnitOfWork.RetryOnConflictAsync<Results<Ok<OrderResponse>, ProblemHttpResult>>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var (order, problem) = await access.LoadForStaffAsync(orderId, user, MerchantRole.Staff, ct);
            return order is null ? problem! : await HandOverAsync(order, code, user, work, lifecycle, clock, ct);
        });
    }

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ByCode(
        Guid storeId, HandoverRequest request, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants,
        OrderAccess access, OrderLifecycle lifecycle, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (Code(request) is not { } code)
        {
            return InvalidCode();
        }

        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        if (await merchants.CheckAsync(user, store.MerchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        return await UnitOfWork.RetryOnConflictAsync<Results<Ok<OrderResponse>, ProblemHttpResult>>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var order = await access.Orders.SingleOrDefaultAsync(o => o.StoreId == storeId && o.OpenPickupCode == code, ct);
            return order is null
                ? ApiProblem.NotFound("No open order at this store has that pickup code.")
                : await HandOverAsync(order, code, user, work, lifecycle, clock, ct);
        });
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> HandOverAsync(
        Order order, string code, ClaimsPrincipal user, UnitOfWork work, OrderLifecycle lifecycle, TimeProvider clock, CancellationToken ct)
    {
        switch (order.Handover(code, clock.GetUtcNow().UtcDateTime))
        {
            case HandoverResult.NotReady:
                return OrderAccess.Refused(Refusal.Transition(order.Status, "handed over"));
            case HandoverResult.Locked:
                return ApiProblem.Conflict("pickup_code_locked",
                    $"Too many wrong pickup codes; handover is locked until {order.PickupLockedUntil:yyyy-MM-ddTHH:mm:ssZ}.",
                    new Dictionary<string, object?> { ["lockedUntil"] = order.PickupLockedUntil });
            case HandoverResult.WrongCode:
                // The failed attempt counts: it is committed even though the answer is a refusal.
                await work.CommitAsync(ct);
                return ApiProblem.Conflict("wrong_pickup_code", "That is not this order's pickup code.",
                    new Dictionary<string, object?> { ["attemptsLeft"] = Math.Max(0, Order.MaxWrongPickupCodes - order.WrongPickupCodes) });
            default:
                await lifecycle.CompletedAsync(order, user.RequiredUserId(), ct);
                await work.CommitAsync(ct);
                return TypedResults.Ok(OrderResponse.For(order, Viewer.Staff));
        }
    }

    private static string? Code(HandoverRequest request) => PickupCodes.TryParse(request.PickupCode, out var code) ? code : null;

    private static ProblemHttpResult InvalidCode()
    {
        var checks = new Checks();
        checks.Add("pickupCode", "must be the six digits the consumer shows");
        return ApiProblem.Validation(checks.Errors);
    }
}
