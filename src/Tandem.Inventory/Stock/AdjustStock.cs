using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;

namespace Tandem.Inventory.Stock;

public sealed record AdjustStockRequest(long? Delta, string? Reason, string? Reference);

/// <summary>
/// A change by a known amount (goods received, damaged, returned...). An adjustment may not take onHand
/// below zero: that is 409 <c>insufficient_stock</c>, and a count is the way to correct the books.
/// </summary>
internal static class AdjustStock
{
    public static async Task<Results<Ok<StockLevelResponse>, ProblemHttpResult>> Handle(
        Guid storeId, Guid productId, AdjustStockRequest request, ClaimsPrincipal user,
        StockAccess access, StoreStock stock, TandemDbContext db, CancellationToken ct)
    {
        var checks = new Checks();
        var delta = checks.Required("delta", request.Delta);
        if (delta == 0)
        {
            checks.Add("delta", "must not be zero");
        }
        else if (delta is < -1_000_000_000 or > 1_000_000_000)
        {
            checks.Add("delta", "must be between -1000000000 and 1000000000");
        }

        MovementReason reason = default;
        if (checks.Required("reason", request.Reason) is { } name
            && (!MovementReasons.TryParse(name, out reason) || !MovementReasons.Manual.Contains(reason)))
        {
            checks.Add("reason", "must be one of receipt, count, damage, return, transfer, other");
        }

        var reference = checks.Text("reference", request.Reference, 100);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var (store, problem) = await access.StoreAndProductAsync(user, storeId, productId, MerchantRole.Manager, ct);
        if (problem is not null)
        {
            return problem;
        }

        var level = await UnitOfWork.RetryOnConflictAsync(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var adjusted = await stock.AdjustAsync(storeId, store!.MerchantId, productId, delta!.Value, reason, reference, user.RequiredUserId(), ct);
            if (adjusted is null)
            {
                await work.RollbackAsync(ct);
                return null;
            }

            await work.CommitAsync(ct);
            return adjusted;
        });
        if (level is null)
        {
            return ApiProblem.Conflict("insufficient_stock", "The adjustment would take onHand below zero; count the stock instead.",
                new Dictionary<string, object?> { ["productIds"] = new[] { productId } });
        }

        return TypedResults.Ok(StockLevelResponse.From(level));
    }
}
