using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Catalog.Products;

/// <summary>A manager or the owner adds a product to the merchant's catalogue.</summary>
internal static class CreateProduct
{
    public static async Task<Results<Created<ProductResponse>, ProblemHttpResult>> Handle(
        Guid merchantId, ProductRequest request, ClaimsPrincipal principal, TandemDbContext db, IMerchantAccess access,
        TimeProvider clock, CancellationToken ct)
    {
        if (await access.CheckAsync(principal, merchantId, MerchantRole.Manager, ct) is { } denied)
        {
            return denied;
        }

        if (ProductFields.Read(request, out var problem) is not { } fields)
        {
            return problem!;
        }

        if (fields.Gtin is { } gtin && await GtinUsedAsync(db, merchantId, gtin, except: null, ct))
        {
            return ProductFields.GtinTaken();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var product = new Product { Id = NewId.Next(clock), MerchantId = merchantId, CreatedAt = now };
        Apply(product, fields, now);
        db.Add(product);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (fields.Gtin is not null)
        {
            // A concurrent product with the same GTIN won the unique index (merchant, gtin).
            db.ChangeTracker.Clear();
            if (await GtinUsedAsync(db, merchantId, fields.Gtin, except: null, ct))
            {
                return ProductFields.GtinTaken();
            }

            throw;
        }

        return TypedResults.Created($"/api/v1/products/{product.Id}", ProductResponse.From(product));
    }

    public static void Apply(Product product, ProductFields fields, DateTime now)
    {
        product.Name = fields.Name;
        product.NameEn = fields.NameEn;
        product.Price = fields.Price;
        product.Gtin = fields.Gtin;
        product.Description = fields.Description;
        product.Unit = fields.Unit;
        product.UpdatedAt = now;
    }

    public static Task<bool> GtinUsedAsync(TandemDbContext db, Guid merchantId, string gtin, Guid? except, CancellationToken ct) =>
        db.Set<Product>().AnyAsync(p => p.MerchantId == merchantId && p.Gtin == gtin && p.Id != except, ct);
}
