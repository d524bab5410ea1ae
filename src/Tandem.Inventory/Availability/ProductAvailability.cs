using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Contracts;
using Tandem.Inventory.Stock;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Inventory.Availability;

public sealed record AvailabilityItemView(Guid StoreId, string StoreName, long Available, double DistanceKm);

public sealed record AvailabilityResponse(IReadOnlyList<AvailabilityItemView> Items);

/// <summary>Where a shopper can get a product: the merchant's stores near them that have some available, nearest first.</summary>
internal static class ProductAvailability
{
    public const double DefaultRadiusKm = 5;
    public const double MaxRadiusKm = 50;

    public static async Task<Results<Ok<AvailabilityResponse>, ProblemHttpResult>> Handle(
        Guid productId, string? near, double? radiusKm, IProductCatalog catalog, IStoreDirectory stores,
        TandemDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!TryParsePoint(near, out var point))
        {
            errors["near"] = ["must be LAT,LNG with latitude -90..90 and longitude -180..180"];
        }

        var radius = radiusKm ?? DefaultRadiusKm;
        if (!double.IsFinite(radius) || radius <= 0 || radius > MaxRadiusKm)
        {
            errors["radiusKm"] = [$"must be more than 0 and at most {MaxRadiusKm}"];
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }

        var product = await catalog.FindAsync(productId, ct);
        if (product is null)
        {
            return ApiProblem.NotFound("No such product.");
        }

        var nearby = await stores.NearbyAsync(point, radius, product.MerchantId, Paging.MaxLimit, ct);
        var storeIds = nearby.Select(n => n.Store.StoreId).ToList();
        var available = await db.Set<StockItem>().AsNoTracking()
            .Where(s => s.ProductId == productId && storeIds.Contains(s.StoreId) && s.OnHand - s.Reserved - s.Blocked > 0)
            .Select(s => new { s.StoreId, Available = s.OnHand - s.Reserved - s.Blocked })
            .ToDictionaryAsync(s => s.StoreId, s => s.Available, ct);
        var items = nearby
            .Where(n => available.ContainsKey(n.Store.StoreId))
            .Select(n => new AvailabilityItemView(n.Store.StoreId, n.Store.Name, available[n.Store.StoreId], Math.Round(n.DistanceKm, 3)))
            .ToList();
        return TypedResults.Ok(new AvailabilityResponse(items));
    }

    internal static bool TryParsePoint(string? value, out GeoPoint point)
    {
        point = default;
        var parts = value?.Split(',');
        if (parts is not { Length: 2 }
            || !double.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
            || !double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lng)
            || !GeoPoint.IsValid(lat, lng))
        {
            return false;
        }

        point = new GeoPoint(lat, lng);
        return true;
    }
}
