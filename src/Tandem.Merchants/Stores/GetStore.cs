using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Stores;

public sealed record StoreListResponse(IReadOnlyList<StoreResponse> Items);

/// <summary>Reading stores: one store publicly, or all stores of a merchant for its staff.</summary>
internal static class GetStore
{
    public static async Task<Results<Ok<StoreResponse>, ProblemHttpResult>> Handle(Guid storeId, TandemDbContext db, CancellationToken ct)
    {
        var store = await db.Set<Store>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == storeId, ct);
        return store is null ? ApiProblem.NotFound() : TypedResults.Ok(StoreResponse.From(store));
    }

    public static async Task<Results<Ok<StoreListResponse>, ProblemHttpResult>> OfMerchant(
        Guid merchantId, ClaimsPrincipal principal, TandemDbContext db, IMerchantAccess access, CancellationToken ct)
    {
        if (await access.CheckAsync(principal, merchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var stores = await db.Set<Store>().AsNoTracking()
            .Where(s => s.MerchantId == merchantId)
            .OrderBy(s => s.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(new StoreListResponse(stores.Select(StoreResponse.From).ToList()));
    }
}
