using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;

namespace Tandem.Catalog.Products;

internal sealed class ProductUpserts(TandemDbContext db, TimeProvider clock) : IProductUpserts
{
    public async Task<UpsertedProduct> UpsertByGtinAsync(Guid merchantId, Gtin gtin, string name, Money price, CancellationToken ct)
    {
        var value = gtin.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var product = db.Set<Product>().Local.FirstOrDefault(p => p.MerchantId == merchantId && p.Gtin == value)
            ?? await db.Set<Product>().FirstOrDefaultAsync(p => p.MerchantId == merchantId && p.Gtin == value, ct);
        var created = product is null;
        if (product is null)
        {
            product = new Product { Id = NewId.Next(clock), MerchantId = merchantId, Gtin = value, CreatedAt = now };
            db.Add(product);
        }

        product.Name = name;
        product.Price = price.Amount;
        product.UpdatedAt = now;
        return new UpsertedProduct(product.Id, created);
    }
}
