using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;

namespace Tandem.Ordering.Orders;

/// <summary>An order loaded for a caller, with how they relate to it.</summary>
internal sealed record OrderForCaller(Order Order, Viewer Viewer, MerchantRole? Role);

/// <summary>
/// Loads an order for the caller: its consumer, or staff of its merchant. Anyone else gets 404, so an order's
/// existence never leaks to other consumers or other merchants.
/// </summary>
internal sealed class OrderAccess(TandemDbContext db, IMerchantAccess merchants)
{
    public IQueryable<Order> Orders => db.Set<Order>().Include(o => o.Lines);

    // Compiled once per model: every payment starts here (docs/decisions/0022). Without the lines: paying needs only the
    // order's row, and OrderLifecycle loads them where a transition needs them (an order that expired meanwhile).
    private static readonly CompiledQuery<Func<TandemDbContext, Guid, Guid, CancellationToken, Task<Order?>>> ConsumerOrder = new(() =>
        EF.CompileAsyncQuery((TandemDbContext db, Guid orderId, Guid consumerId, CancellationToken ct) =>
            db.Set<Order>().SingleOrDefault(o => o.Id == orderId && o.ConsumerId == consumerId)));

    public async Task<(OrderForCaller? Found, ProblemHttpResult? Problem)> LoadAsync(Guid orderId, ClaimsPrincipal user, CancellationToken ct)
    {
        var order = await Orders.SingleOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return (null, NotFound());
        }

        var userId = user.RequiredUserId();
        var role = await merchants.RoleOfAsync(userId, order.MerchantId, ct);
        if (role is not null)
        {
            return (new OrderForCaller(order, order.ConsumerId == userId ? Viewer.Consumer : Viewer.Staff, role), null);
        }

        return order.ConsumerId == userId ? (new OrderForCaller(order, Viewer.Consumer, null), null) : (null, NotFound());
    }

    /// <summary>For staff actions: 404 outside the merchant, 403 for the order's own consumer or a role below <paramref name="atLeast"/>.</summary>
    public async Task<(Order? Order, ProblemHttpResult? Problem)> LoadForStaffAsync(
        Guid orderId, ClaimsPrincipal user, MerchantRole atLeast, CancellationToken ct)
    {
        var (found, problem) = await LoadAsync(orderId, user, ct);
        if (found is null)
        {
            return (null, problem);
        }

        if (found.Role is not { } role || role < atLeast)
        {
            return (null, ApiProblem.Forbidden("Only staff of the order's merchant may do this."));
        }

        return (found.Order, null);
    }

    /// <summary>For the consumer's own actions (paying), without the order's lines: anyone else gets 404.</summary>
    public async Task<(Order? Order, ProblemHttpResult? Problem)> LoadForConsumerAsync(Guid orderId, ClaimsPrincipal user, CancellationToken ct)
    {
        var userId = user.RequiredUserId();
        var order = await ConsumerOrder.For(db)(db, orderId, userId, ct);
        return order is null ? (null, NotFound()) : (order, null);
    }

    public static ProblemHttpResult NotFound() => ApiProblem.NotFound("No such order.");

    public static ProblemHttpResult Refused(Refusal refusal) => ApiProblem.Conflict(refusal.Code, refusal.Detail);
}
