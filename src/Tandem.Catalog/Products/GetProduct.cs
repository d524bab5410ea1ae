using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Catalog.Products;

public sealed record ProductListResponse(IReadOnlyList<ProductResponse> Items, string? NextCursor);

/// <summary>Reading the catalogue: one product publicly, or a merchant's list for its staff.</summary>
internal static class GetProduct
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Handle(Guid productId, TandemDbContext db, CancellationToken ct)
    {
        var product = await db.Set<Product>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == productId, ct);
        return product is null ? ApiProblem.NotFound() : TypedResults.Ok(ProductResponse.From(product));
    }

    /// <summary>Oldest first; <c>cursor</c> is the last product id of the previous page; <c>gtin</c> finds a scanned code.</summary>
    public static async Task<Results<Ok<ProductListResponse>, ProblemHttpResult>> OfMerchant(
        Guid merchantId, int? limit, string? cursor, string? gtin, ClaimsPrincipal principal, TandemDbContext db,
        IMerchantAccess access, CancellationToken ct)
    {
        if (await access.CheckAsync(principal, merchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var errors = new Dictionary<string, string[]>();
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"must be from 1 to {MaxLimit}"];
        }

        Guid after = default;
        if (cursor is not null && !Guid.TryParseExact(cursor, "N", out after))
        {
            errors["cursor"] = ["is not a cursor this list returned"];
        }

        Gtin? scanned = null;
        if (gtin is not null && !Gtin.TryParse(gtin, out scanned))
        {
            errors["gtin"] = ["must be a GTIN-8, 12, 13 or 14 with a correct check digit"];
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }

        var query = db.Set<Product>().AsNoTracking().Where(p => p.MerchantId == merchantId);
        if (cursor is not null)
        {
            query = query.Where(p => p.Id.CompareTo(after) > 0);
        }

        if (scanned is { } code)
        {
            query = query.Where(p => p.Gtin == code.Value);
        }

        var page = await query.OrderBy(p => p.Id).Take(take + 1).ToListAsync(ct);
        var more = page.Count > take;
        if (more)
        {
            page.RemoveAt(take);
        }

        return TypedResults.Ok(new ProductListResponse(page.Select(ProductResponse.From).ToList(), more ? page[^1].Id.ToString("N") : null));
    }
}
