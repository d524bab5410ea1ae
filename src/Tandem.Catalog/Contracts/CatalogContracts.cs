using Tandem.Kernel;

namespace Tandem.Catalog.Contracts;

/// <summary>A product as other modules see it. <see cref="Gtin"/> is the 14-digit form.</summary>
public sealed record ProductInfo(Guid ProductId, Guid MerchantId, string Name, Money Price, string? Gtin, string? Unit);

/// <summary>Reads the catalogue for other modules (ordering, POS, inventory).</summary>
public interface IProductCatalog
{
    Task<ProductInfo?> FindAsync(Guid productId, CancellationToken ct);

    /// <summary>The products among <paramref name="productIds"/> that exist, by id.</summary>
    Task<IReadOnlyDictionary<Guid, ProductInfo>> FindManyAsync(IReadOnlyCollection<Guid> productIds, CancellationToken ct);

    /// <summary>The merchant's product with this GTIN (a scanned GTIN-8/12/13 matches the stored GTIN-14).</summary>
    Task<ProductInfo?> FindByGtinAsync(Guid merchantId, Gtin gtin, CancellationToken ct);
}

/// <summary>Whether an upsert made a new product or changed an existing one.</summary>
public sealed record UpsertedProduct(Guid ProductId, bool Created);

/// <summary>
/// Writes products for a bulk import that another module runs in its own unit of work: changes are tracked on the
/// request's DbContext and saved by the caller, so the import commits (or fails) as one transaction.
/// </summary>
public interface IProductUpserts
{
    /// <summary>The merchant's product with this GTIN gets the name and price (other fields kept), or is created.</summary>
    Task<UpsertedProduct> UpsertByGtinAsync(Guid merchantId, Gtin gtin, string name, Money price, CancellationToken ct);
}
