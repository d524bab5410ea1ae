using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;
using Tandem.Ordering.Orders;

namespace Tandem.Ordering.Reading;

/// <summary>Orders as their consumer and their merchant's staff read them; lists newest first.</summary>
internal static class ReadOrders
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> One(
        Guid orderId, ClaimsPrincipal user, OrderAccess access, CancellationToken ct)
    {
        var (found, problem) = await access.LoadAsync(orderId, user, ct);
        return found is null ? problem! : TypedResults.Ok(OrderResponse.For(found.Order, found.Viewer));
    }

    public static async Task<Results<Ok<OrderListResponse>, ProblemHttpResult>> Mine(
        int? limit, string? cursor, ClaimsPrincipal user, TandemDbContext db, CancellationToken ct)
    {
        if (PageProblem(limit, cursor, out var take, out var before) is { } invalid)
        {
            return invalid;
        }

        var consumerId = user.RequiredUserId();
        var query = db.Set<Order>().AsNoTracking().Include(o => o.Lines).Where(o => o.ConsumerId == consumerId);
        return TypedResults.Ok(await PageAsync(query, take, before, Viewer.Consumer, ct));
    }

    public static async Task<Results<Ok<OrderListResponse>, ProblemHttpResult>> OfMerchant(
        Guid merchantId, string? status, Guid? storeId, int? limit, string? cursor, ClaimsPrincipal user,
        IMerchantAccess access, TandemDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        OrderStatus parsed = default;
        if (status is not null && !OrderStatuses.TryParse(status, out parsed))
        {
            errors["status"] = ["must be awaiting_payment, paid, accepted, ready_for_pickup, ready_for_dispatch, completed or cancelled"];
        }

        if (PageProblem(limit, cursor, out var take, out var before) is { } invalid)
        {
            return invalid;
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }

        if (await access.CheckAsync(user, merchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var query = db.Set<Order>().AsNoTracking().Include(o => o.Lines).Where(o => o.MerchantId == merchantId);
        if (status is not null)
        {
            query = query.Where(o => o.Status == parsed);
        }

        if (storeId is { } store)
        {
            query = query.Where(o => o.StoreId == store);
        }

        return TypedResults.Ok(await PageAsync(query, take, before, Viewer.Staff, ct));
    }

    /// <summary>Keyset paging on the order id: ids are UUIDv7, so id order is creation order.</summary>
    private static async Task<OrderListResponse> PageAsync(IQueryable<Order> query, int take, Guid? before, Viewer viewer, CancellationToken ct)
    {
        if (before is { } b)
        {
            query = query.Where(o => o.Id < b);
        }

        var rows = await query.OrderByDescending(o => o.Id).Take(take + 1).AsSplitQuery().ToListAsync(ct);
        var items = rows.Take(take).Select(o => OrderResponse.For(o, viewer)).ToList();
        return new OrderListResponse(items, rows.Count > take ? rows[take - 1].Id.ToString("N") : null);
    }

    private static ProblemHttpResult? PageProblem(int? limit, string? cursor, out int take, out Guid? before)
    {
        take = limit ?? DefaultLimit;
        before = null;
        var errors = new Dictionary<string, string[]>();
        if (take is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"must be between 1 and {MaxLimit}"];
        }

        if (cursor is not null)
        {
            if (Guid.TryParseExact(cursor, "N", out var id))
            {
                before = id;
            }
            else
            {
                errors["cursor"] = ["is not a cursor this list gave out"];
            }
        }

        return errors.Count == 0 ? null : ApiProblem.Validation(errors);
    }
}
