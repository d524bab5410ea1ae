using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
using Tandem.Inventory.Stock;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Inventory.Availability;

public sealed record ShelfItem(Guid ProductId, string Name, MoneyDto Price, long Available, string? Gtin, string? Unit);

public sealed record ShelfResponse(IReadOnlyList<ShelfItem> Items, string? NextCursor);

public sealed record ProductHitView(Guid ProductId, Guid MerchantId, string Name, MoneyDto Price, string? Unit, IReadOnlyList<AvailabilityItemView> Stores);

public sealed record ProductHitsResponse(IReadOnlyList<ProductHitView> Items);

/// <summary>
/// The public storefront reads the web app (and partner apps) need: a store's shelf with live availability,
/// and "which nearby stores have it now" search. Built on the stock table and the catalogue and store contracts.
/// </summary>
public static class StorefrontModule
{
    public const int MaxQueryLength = 100;
    public const int MaxHits = 50;

    public static IEndpointRouteBuilder MapStorefront(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stores/{storeId:guid}/products", Shelf).ForPublic()
            .WithTags("Stock").WithName("GetStoreShelf")
            .WithSummary("The products a store stocks, with price and what is available now, by name (public).");
        app.MapGet("/api/v1/products/search", Search).ForPublic()
            .WithTags("Stock").WithName("SearchProductsNearby")
            .WithSummary("Products whose name (or GTIN) matches q, in stock at stores within radiusKm of near=LAT,LNG (public).");
        return app;
    }

    internal static async Task<Results<Ok<ShelfResponse>, ProblemHttpResult>> Shelf(
        Guid storeId, int? limit, string? cursor, IStoreDirectory stores, IProductCatalog catalog, TandemDbContext db, CancellationToken ct)
    {
        if (Paging.Problem(limit, cursor, out var take, out var offset) is { } invalid)
        {
            return invalid;
        }

        if (await stores.FindAsync(storeId, ct) is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        var levels = await db.Set<StockItem>().AsNoTracking()
            .Where(s => s.StoreId == storeId)
            .Select(s => new { s.ProductId, Available = s.OnHand - s.Reserved - s.Blocked })
            .ToListAsync(ct);
        var products = await catalog.FindManyAsync(levels.Select(l => l.ProductId).ToList(), ct);
        var all = levels
            .Where(l => products.ContainsKey(l.ProductId))
            .Select(l => (Level: l, Product: products[l.ProductId]))
            .OrderBy(x => x.Product.Name, StringComparer.Ordinal).ThenBy(x => x.Product.ProductId)
            .ToList();
        var page = all.Skip((int)Math.Min(offset, int.MaxValue)).Take(take)
            .Select(x => new ShelfItem(x.Product.ProductId, x.Product.Name, MoneyDto.From(x.Product.Price), Math.Max(0, x.Level.Available), x.Product.Gtin, x.Product.Unit))
            .ToList();
        var next = offset + take < all.Count ? Paging.Cursor(offset + take) : null;
        return TypedResults.Ok(new ShelfResponse(page, next));
    }

    internal static async Task<Results<Ok<ProductHitsResponse>, ProblemHttpResult>> Search(
        string? q, string? near, double? radiusKm, IStoreDirectory stores, IProductCatalog catalog, TandemDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var query = q?.Trim() ?? "";
        if (query.Length is 0 or > MaxQueryLength || query.Any(char.IsControl))
        {
            errors["q"] = [$"must be 1 to {MaxQueryLength} characters"];
        }

        if (!ProductAvailability.TryParsePoint(near, out var point))
        {
            errors["near"] = ["must be LAT,LNG with latitude -90..90 and longitude -180..180"];
        }

        var radius = radiusKm ?? ProductAvailability.DefaultRadiusKm;
        if (!double.IsFinite(radius) || radius <= 0 || radius > ProductAvailability.MaxRadiusKm)
        {
            errors["radiusKm"] = [$"must be more than 0 and at most {ProductAvailability.MaxRadiusKm}"];
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }

        var nearby = await stores.NearbyAsync(point, radius, null, Paging.MaxLimit, ct);
        var storeById = nearby.ToDictionary(n => n.Store.StoreId);
        var storeIds = storeById.Keys.ToList();
        var levels = await db.Set<StockItem>().AsNoTracking()
            .Where(s => storeIds.Contains(s.StoreId) && s.OnHand - s.Reserved - s.Blocked > 0)
            .Select(s => new { s.StoreId, s.ProductId, Available = s.OnHand - s.Reserved - s.Blocked })
            .ToListAsync(ct);
        var products = await catalog.FindManyAsync(levels.Select(l => l.ProductId).Distinct().ToList(), ct);
        string? gtin = Gtin.TryParse(query, out var parsed) ? parsed.ToString() : null;
        var hits = levels
            .Where(l => products.TryGetValue(l.ProductId, out var p)
                && (p.Name.Contains(query, StringComparison.OrdinalIgnoreCase) || (gtin is not null && p.Gtin == gtin)))
            .GroupBy(l => l.ProductId)
            .Select(g =>
            {
                var p = products[g.Key];
                var at = g.Select(l => new AvailabilityItemView(l.StoreId, storeById[l.StoreId].Store.Name, l.Available, Math.Round(storeById[l.StoreId].DistanceKm, 3)))
                    .OrderBy(a => a.DistanceKm).ToList();
                return new ProductHitView(p.ProductId, p.MerchantId, p.Name, MoneyDto.From(p.Price), p.Unit, at);
            })
            .OrderByDescending(h => h.Stores.Count).ThenBy(h => h.Stores[0].DistanceKm).ThenBy(h => h.ProductId)
            .Take(MaxHits)
            .ToList();
        return TypedResults.Ok(new ProductHitsResponse(hits));
    }
}
