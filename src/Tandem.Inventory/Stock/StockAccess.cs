using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Catalog.Contracts;
using Tandem.Kernel.Http;
using Tandem.Merchants.Contracts;

namespace Tandem.Inventory.Stock;

/// <summary>The one check of the stock endpoints: the store exists, the caller works for its merchant with the role, the product is the merchant's.</summary>
internal sealed class StockAccess(IStoreDirectory stores, IProductCatalog catalog, IMerchantAccess access)
{
    public async Task<(StoreInfo? Store, ProblemHttpResult? Problem)> StoreAsync(
        ClaimsPrincipal user, Guid storeId, MerchantRole atLeast, CancellationToken ct)
    {
        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return (null, ApiProblem.NotFound("No such store."));
        }

        var denied = await access.CheckAsync(user, store.MerchantId, atLeast, ct);
        return denied is null ? (store, null) : (null, denied);
    }

    public async Task<(StoreInfo? Store, ProblemHttpResult? Problem)> StoreAndProductAsync(
        ClaimsPrincipal user, Guid storeId, Guid productId, MerchantRole atLeast, CancellationToken ct)
    {
        var (store, problem) = await StoreAsync(user, storeId, atLeast, ct);
        if (problem is not null)
        {
            return (null, problem);
        }

        var product = await catalog.FindAsync(productId, ct);
        if (product is null || product.MerchantId != store!.MerchantId)
        {
            // Another merchant's product is as absent as a missing one.
            return (null, ApiProblem.NotFound("No such product at this store's merchant."));
        }

        return (store, null);
    }
}

/// <summary><c>{storeId, productId, onHand, reserved, available, blocked}</c>.</summary>
public sealed record StockLevelResponse(Guid StoreId, Guid ProductId, long OnHand, long Reserved, long Available, long Blocked)
{
    internal static StockLevelResponse From(Contracts.StockLevel level) =>
        new(level.StoreId, level.ProductId, level.OnHand, level.Reserved, level.Available, level.Blocked);
}
