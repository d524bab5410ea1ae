using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
using Tandem.Inventory.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Data;
using Tandem.Traceability.Tracing;

namespace Tandem.Traceability.LotStocks;

public sealed record LotReceiptRequest(Guid? ProductId, string? Gtin, string? Lot, long? Quantity);

public sealed record LotStockView(
    Guid LotStockId, Guid StoreId, Guid ProductId, string Gtin, string Lot, long Received, long Remaining, long Blocked, DateTime ReceivedAt);

public sealed record LotReceiptResponse(LotStockView Lot, long OnHand, long Available);

public sealed record LotStockListResponse(IReadOnlyList<LotStockView> Items);

/// <summary>
/// <c>POST /api/v1/stores/{storeId}/lot-receipts</c>: goods of a lot arrive at a store. The store's stock rises
/// (Inventory's receipt) and the lot's quantity is recorded in the same transaction, so later sales can be
/// attributed to lots first in, first out.
/// </summary>
internal static class ReceiveLot
{
    public static async Task<Results<Created<LotReceiptResponse>, ProblemHttpResult>> Handle(
        Guid storeId, LotReceiptRequest request, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess access,
        IProductCatalog catalog, IStock stock, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        var productId = checks.Required("productId", request.ProductId);
        var quantity = checks.Required("quantity", request.Quantity);
        if (quantity is < 1 or > 1_000_000_000)
        {
            checks.Add("quantity", "must be between 1 and 1000000000");
        }

        var gtin = checks.Required("gtin", request.Gtin);
        var lot = checks.Required("lot", request.Lot);
        (string Gtin, string Key)? key = null;
        if (gtin is not null && lot is not null && (key = TraceLots.ParseLot(gtin, lot)) is null)
        {
            checks.Add("lot", "needs a GTIN with a correct check digit and a lot of 1 to 20 characters of the GS1 character set 82");
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        if (await access.CheckAsync(user, store.MerchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var product = await catalog.FindAsync(productId!.Value, ct);
        if (product is null || product.MerchantId != store.MerchantId)
        {
            return ApiProblem.NotFound("No such product at this store's merchant.");
        }

        var userId = user.RequiredUserId();
        var (row, level) = await UnitOfWork.RetryOnConflictAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var received = new LotStock
            {
                Id = NewId.Next(clock),
                StoreId = storeId,
                MerchantId = store.MerchantId,
                ProductId = product.ProductId,
                LotKey = key!.Value.Key,
                Gtin = key.Value.Gtin,
                LotNumber = lot!,
                Received = quantity!.Value,
                Remaining = quantity.Value,
                ReceivedAt = now,
                ReceivedBy = userId,
            };
            db.Add(received);
            var level = await stock.ReceiveAsync(storeId, store.MerchantId, product.ProductId, quantity.Value, "lot " + key.Value.Gtin + "/" + lot, userId, ct);
            await db.SaveChangesAsync(ct);
            await work.CommitAsync(ct);
            return (received, level);
        });
        return TypedResults.Created($"/api/v1/stores/{storeId}/lots", new LotReceiptResponse(View(row), level.OnHand, level.Available));
    }

    /// <summary><c>GET /api/v1/stores/{storeId}/lots</c>: the lots in the store's stock, oldest receipt first (staff).</summary>
    public static async Task<Results<Ok<LotStockListResponse>, ProblemHttpResult>> List(
        Guid storeId, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess access, TandemDbContext db, CancellationToken ct)
    {
        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        if (await access.CheckAsync(user, store.MerchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var rows = await db.Set<LotStock>().AsNoTracking().Where(l => l.StoreId == storeId)
            .OrderBy(l => l.ReceivedAt).ThenBy(l => l.Id).Take(500).ToListAsync(ct);
        return TypedResults.Ok(new LotStockListResponse(rows.Select(View).ToList()));
    }

    internal static LotStockView View(LotStock l) =>
        new(l.Id, l.StoreId, l.ProductId, l.Gtin, l.LotNumber, l.Received, l.Remaining, l.Blocked, l.ReceivedAt);
}
