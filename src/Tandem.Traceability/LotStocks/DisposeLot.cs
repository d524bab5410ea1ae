using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Inventory.Contracts;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Data;
using Tandem.Traceability.Tracing;

namespace Tandem.Traceability.LotStocks;

public sealed record LotDisposalRequest(string? Kind, long? Quantity);

public sealed record LotDisposalResponse(
    Guid StoreId, string Gtin, string Lot, string Kind, long Quantity, Guid RecallId, long OnHand, long Blocked, long Available,
    IReadOnlyList<LotStockView> Lots);

/// <summary>
/// <c>POST /api/v1/stores/{storeId}/lots/{gtin}/{lot}/disposals</c>: a store's manager records what happened to the
/// recalled units it holds — <c>destroyed</c> or <c>returned</c> to the supplier. In one transaction onHand and blocked
/// fall in Inventory (one ledger movement, <c>damage</c> or <c>return</c>, the recall in its reference), and so do the
/// lot stock's remaining and blocked and the recall's block. Never more than a recall blocks there.
/// </summary>
internal static class DisposeLot
{
    public static async Task<Results<Created<LotDisposalResponse>, ProblemHttpResult>> Handle(
        Guid storeId, string gtin, string lot, LotDisposalRequest request, ClaimsPrincipal user, IStoreDirectory stores,
        IMerchantAccess access, IStock stock, TandemDbContext db, CancellationToken ct)
    {
        var checks = new Checks();
        var kind = checks.Required("kind", request.Kind);
        if (kind is not null and not ("destroyed" or "returned"))
        {
            checks.Add("kind", "must be destroyed or returned");
        }

        var quantity = checks.Required("quantity", request.Quantity);
        if (quantity is < 1 or > 1_000_000_000)
        {
            checks.Add("quantity", "must be between 1 and 1000000000");
        }

        var parsed = TraceLots.ParseLot(gtin, lot);
        if (parsed is null)
        {
            checks.Add("lot", "needs a GTIN with a correct check digit and a lot of 1 to 20 characters of the GS1 character set 82");
        }

        if (!checks.Ok || parsed is not { } key)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        if (await access.CheckAsync(user, store.MerchantId, MerchantRole.Manager, ct) is { } denied)
        {
            return denied;
        }

        var userId = user.RequiredUserId();
        var need = quantity!.Value;
        return await UnitOfWork.RetryOnConflictAsync<Results<Created<LotDisposalResponse>, ProblemHttpResult>>(async () =>
        {
            db.ChangeTracker.Clear();
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var blocks = await BlocksAsync(db, storeId, key.Key, productId: null, ct);
            if (blocks.Count == 0)
            {
                return ApiProblem.Conflict("nothing_blocked", "No recall blocks this lot's stock at this store.");
            }

            // One product per movement: a GTIN is one product of the store's merchant.
            var productId = blocks[0].ProductId;
            var recallId = blocks[0].RecallId;
            if (blocks.Where(b => b.ProductId == productId).Sum(b => b.Quantity) < need)
            {
                return NotEnough(blocks.Where(b => b.ProductId == productId).Sum(b => b.Quantity));
            }

            // Inventory's row first (the lock order of every stock change); what it guards is then read again, current.
            var level = await stock.DisposeBlockedAsync(
                storeId, productId, need, kind == "returned", "recall " + recallId.ToString("D"), userId, ct);
            blocks = level is null ? [] : await BlocksAsync(db, storeId, key.Key, productId, ct);
            if (level is null || blocks.Sum(b => b.Quantity) < need)
            {
                await work.RollbackAsync(ct);
                return NotEnough(blocks.Sum(b => b.Quantity));
            }

            var left = need;
            foreach (var block in blocks)
            {
                var take = Math.Min(left, block.Quantity);
                var lotTaken = await db.Set<LotStock>()
                    .Where(l => l.Id == block.LotStockId && l.Blocked >= take && l.Remaining >= take)
                    .ExecuteUpdateAsync(u => u.SetProperty(l => l.Remaining, l => l.Remaining - take).SetProperty(l => l.Blocked, l => l.Blocked - take), ct);
                var blockTaken = await db.Set<RecallBlock>()
                    .Where(b => b.Id == block.Id && b.Quantity >= take)
                    .ExecuteUpdateAsync(u => u.SetProperty(b => b.Quantity, b => b.Quantity - take), ct);
                if (lotTaken == 0 || blockTaken == 0)
                {
                    throw new DbUpdateConcurrencyException($"Lot stock {block.LotStockId} changed while it was disposed of.");
                }

                left -= take;
                if (left == 0)
                {
                    break;
                }
            }

            await work.CommitAsync(ct);
            var lots = await db.Set<LotStock>().AsNoTracking()
                .Where(l => l.StoreId == storeId && l.LotKey == key.Key)
                .OrderBy(l => l.ReceivedAt).ThenBy(l => l.Id).ToListAsync(ct);
            return TypedResults.Created($"/api/v1/stores/{storeId}/lots", new LotDisposalResponse(
                storeId, key.Gtin, lot, kind!, need, recallId, level.OnHand, level.Blocked, level.Available, lots.Select(ReceiveLot.View).ToList()));
        });
    }

    private static ProblemHttpResult NotEnough(long blocked) =>
        ApiProblem.Conflict("not_enough_blocked", $"Only {blocked} units of this lot are blocked by a recall at this store.",
            new Dictionary<string, object?> { ["blocked"] = blocked });

    /// <summary>The recall blocks on this lot at this store still holding units, oldest receipt first.</summary>
    private static Task<List<RecallBlock>> BlocksAsync(TandemDbContext db, Guid storeId, string lotKey, Guid? productId, CancellationToken ct) =>
        (from b in db.Set<RecallBlock>().AsNoTracking()
         join l in db.Set<LotStock>() on b.LotStockId equals l.Id
         where b.StoreId == storeId && l.LotKey == lotKey && b.Quantity > 0 && (productId == null || b.ProductId == productId)
         orderby b.ProductId, l.ReceivedAt, b.Id
         select b).ToListAsync(ct);
}
