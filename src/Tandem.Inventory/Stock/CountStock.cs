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

public sealed record CountStockRequest(long? OnHand, string? Reference);

/// <summary>A stock count: staff say how many are on the shelf; the difference goes into the ledger as <c>count</c>.</summary>
internal static class CountStock
{
    public static async Task<Results<Ok<StockLevelResponse>, ProblemHttpResult>> Handle(
        Guid storeId, Guid productId, CountStockRequest request, ClaimsPrincipal user,
        StockAccess access, StoreStock stock, TandemDbContext db, CancellationToken ct)
    {
        var checks = new Checks();
        var onHand = checks.Required("onHand", request.OnHand);
        if (onHand is < 0 or > 1_000_000_000)
        {
            checks.Add("onHand", "must be between 0 and 1000000000");
        }

        var reference = checks.Text("reference", request.Reference, 100);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var (store, problem) = await access.StoreAndProductAsync(user, storeId, productId, MerchantRole.Staff, ct);
        if (problem is not null)
        {
            return problem;
        }

        var level = await UnitOfWork.RetryOnConflictAsync(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var counted = await stock.CountAsync(storeId, store!.MerchantId, productId, onHand!.Value, reference, user.RequiredUserId(), ct);
            await work.CommitAsync(ct);
            return counted;
        });
        return TypedResults.Ok(StockLevelResponse.From(level));
    }
}
