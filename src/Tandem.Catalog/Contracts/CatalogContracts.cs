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
