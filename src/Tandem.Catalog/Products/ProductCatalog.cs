using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;

namespace Tandem.Catalog.Products;

internal sealed class ProductCatalog(TandemDbContext db) : IProductCatalog
{
    public async Task<ProductInfo?> FindAsync(Guid productId, CancellationToken ct)
    {
        var product = await db.Set<Product>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == productId, ct);
        return product?.ToInfo();
    }

    public async Task<IReadOnlyDictionary<Guid, ProductInfo>> FindManyAsync(IReadOnlyCollection<Guid> productIds, CancellationToken ct)
    {
        if (productIds.Count == 0)
        {
            return new Dictionary<Guid, ProductInfo>();
        }

        var products = new Dictionary<Guid, ProductInfo>();
        await foreach (var product in ProductsByIds.For(db)(db, [.. productIds.Distinct()]).WithCancellation(ct))
        {
            products[product.Id] = product.ToInfo();
        }

        return products;
    }

    // Compiled once per model: every order placed reads its products (docs/decisions/0022).
    private static readonly CompiledQuery<Func<TandemDbContext, Guid[], IAsyncEnumerable<Product>>> ProductsByIds = new(() =>
        EF.CompileAsyncQuery((TandemDbContext db, Guid[] ids) => db.Set<Product>().AsNoTracking().Where(p => ids.Contains(p.Id))));

    public async Task<ProductInfo?> FindByGtinAsync(Guid merchantId, Gtin gtin, CancellationToken ct)
    {
        var value = gtin.Value;
        var product = await db.Set<Product>().AsNoTracking().FirstOrDefaultAsync(p => p.MerchantId == merchantId && p.Gtin == value, ct);
        return product?.ToInfo();
    }
}
