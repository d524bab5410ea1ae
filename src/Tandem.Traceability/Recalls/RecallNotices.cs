using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Recalls;

public sealed record RecallNoticeView(
    Guid NoticeId, Guid RecallId, Guid? OrderId, Guid? StoreId, string Gtin, string Lot, string Reason, long Quantity, DateTime CreatedAt,
    string Kind = "recall");

public sealed record RecallNoticeListResponse(IReadOnlyList<RecallNoticeView> Items);

public sealed record LotSaleView(string Gtin, string Lot, Guid ProductId, long Quantity, Guid StoreId, DateTime SoldAt, bool Recalled);

public sealed record OrderLotsResponse(Guid OrderId, IReadOnlyList<LotSaleView> Lots);

/// <summary>The notices recalls left for a consumer or a merchant, and which lots a consumer's order drew from.</summary>
internal static class RecallNotices
{
    /// <summary><c>GET /api/v1/me/recall-notices</c>: recalls of lots in the caller's orders, newest first.</summary>
    public static async Task<Ok<RecallNoticeListResponse>> Mine(ClaimsPrincipal user, TandemDbContext db, CancellationToken ct)
    {
        var userId = user.RequiredUserId();
        var rows = await db.Set<RecallNotice>().AsNoTracking()
            .Where(n => n.ConsumerId == userId && n.Audience == "consumer")
            .OrderByDescending(n => n.CreatedAt).ThenBy(n => n.Id).Take(200).ToListAsync(ct);
        return TypedResults.Ok(new RecallNoticeListResponse(rows.Select(View).ToList()));
    }

    /// <summary><c>GET /api/v1/merchants/{merchantId}/recall-notices</c>: recalls touching the merchant's stores (staff).</summary>
    public static async Task<Results<Ok<RecallNoticeListResponse>, ProblemHttpResult>> OfMerchant(
        Guid merchantId, ClaimsPrincipal user, IMerchantAccess access, TandemDbContext db, CancellationToken ct)
    {
        if (await access.CheckAsync(user, merchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var rows = await db.Set<RecallNotice>().AsNoTracking()
            .Where(n => n.MerchantId == merchantId && n.Audience == "merchant")
            .OrderByDescending(n => n.CreatedAt).ThenBy(n => n.Id).Take(200).ToListAsync(ct);
        return TypedResults.Ok(new RecallNoticeListResponse(rows.Select(View).ToList()));
    }

    /// <summary><c>GET /api/v1/me/orders/{orderId}/lots</c>: the lots the caller's order drew from (FIFO by receipt).</summary>
    public static async Task<Results<Ok<OrderLotsResponse>, ProblemHttpResult>> OrderLots(
        Guid orderId, ClaimsPrincipal user, TandemDbContext db, CancellationToken ct)
    {
        var userId = user.RequiredUserId();
        var sales = await db.Set<LotSale>().AsNoTracking()
            .Where(s => s.OrderId == orderId && s.ConsumerId == userId)
            .OrderBy(s => s.Gtin).ThenBy(s => s.LotNumber).ToListAsync(ct);
        if (sales.Count == 0)
        {
            return ApiProblem.NotFound("No lots are known for this order of yours (yet: they are attributed when it is handed over).");
        }

        var keys = sales.Select(s => s.LotKey).Distinct().ToList();
        var recalled = await db.RecalledKeysAsync(keys, ct);
        return TypedResults.Ok(new OrderLotsResponse(orderId, sales
            .Select(s => new LotSaleView(s.Gtin, s.LotNumber, s.ProductId, s.Quantity, s.StoreId, s.SoldAt, recalled.Contains(s.LotKey)))
            .ToList()));
    }

    private static RecallNoticeView View(RecallNotice n) =>
        new(n.Id, n.RecallId, n.OrderId, n.StoreId, n.Gtin, n.LotNumber, n.Reason, n.Quantity, n.CreatedAt, n.Kind);
}
