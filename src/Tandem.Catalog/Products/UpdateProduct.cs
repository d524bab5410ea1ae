using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Catalog.Products;

/// <summary>A manager or the owner replaces a product's fields (PUT: an absent optional field is cleared).</summary>
internal static class UpdateProduct
{
    public static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Handle(
        Guid productId, ProductRequest request, ClaimsPrincipal principal, TandemDbContext db, IMerchantAccess access,
        TimeProvider clock, CancellationToken ct)
    {
        var product = await db.Set<Product>().FirstOrDefaultAsync(p => p.Id == productId, ct);
        if (product is null)
        {
            return ApiProblem.NotFound();
        }

        if (await access.CheckAsync(principal, product.MerchantId, MerchantRole.Manager, ct) is { } denied)
        {
            return denied;
        }

        if (ProductFields.Read(request, out var problem) is not { } fields)
        {
            return problem!;
        }

        if (fields.Gtin is { } gtin && await CreateProduct.GtinUsedAsync(db, product.MerchantId, gtin, product.Id, ct))
        {
            return ProductFields.GtinTaken();
        }

        CreateProduct.Apply(product, fields, clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (fields.Gtin is not null)
        {
            db.ChangeTracker.Clear();
            if (await CreateProduct.GtinUsedAsync(db, product.MerchantId, fields.Gtin, product.Id, ct))
            {
                return ProductFields.GtinTaken();
            }

            throw;
        }

        return TypedResults.Ok(ProductResponse.From(product));
    }
}
