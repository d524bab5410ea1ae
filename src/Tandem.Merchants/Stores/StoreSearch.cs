using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Merchants.Data;

namespace Tandem.Merchants.Stores;

/// <summary>
/// Stores near a point. The spatial index (an R*Tree on SQLite, GiST on PostgreSQL; see the
/// StoreSpatialIndex migrations and docs/decisions/0004-nearby-search.md) finds the stores in the
/// bounding boxes of the circle; the exact great-circle distance then filters and orders them.
/// </summary>
internal sealed class StoreSearch(TandemDbContext db)
{
    // The R*Tree drives the query: CROSS JOIN fixes the join order in SQLite, whose planner may
    // otherwise scan the stores table and probe the R*Tree per row (seconds instead of microseconds).
    internal const string SqliteInBox = $$"""
        SELECT s.* FROM {{MerchantsModel.SqliteStoreIndex}} AS r CROSS JOIN merchants_stores AS s
        WHERE r.maxLat >= {0} AND r.minLat <= {1} AND r.maxLng >= {2} AND r.minLng <= {3} AND s.SpatialKey = r.id
        """;

    // Matches the GiST expression index on point(Lng, Lat) exactly, so the planner can use it.
    internal const string PostgresInBox = """
        SELECT s.* FROM merchants.stores AS s
        WHERE point(s."Lng", s."Lat") <@ box(point({2}, {0}), point({3}, {1}))
        """;

    /// <summary>Every store within <paramref name="radiusKm"/> of <paramref name="centre"/>, nearest first (ties by id).</summary>
    public async Task<List<NearbyStore>> WithinAsync(GeoPoint centre, double radiusKm, Guid? merchantId, CancellationToken ct)
    {
        var found = new List<NearbyStore>();
        var seen = new HashSet<Guid>();
        foreach (var box in SearchArea.Boxes(centre, radiusKm))
        {
            foreach (var store in await InBoxAsync(box, merchantId, ct))
            {
                var distance = centre.DistanceKmTo(store.Location);
                if (distance <= radiusKm && seen.Add(store.Id))
                {
                    found.Add(new NearbyStore(store.ToInfo(), distance));
                }
            }
        }

        found.Sort(NearestFirst);
        return found;
    }

    public static int NearestFirst(NearbyStore a, NearbyStore b)
    {
        var byDistance = a.DistanceKm.CompareTo(b.DistanceKm);
        return byDistance != 0 ? byDistance : a.Store.StoreId.CompareTo(b.Store.StoreId);
    }

    private Task<List<Store>> InBoxAsync(BoundingBox box, Guid? merchantId, CancellationToken ct)
    {
        var sql = db.IsPostgres ? PostgresInBox : SqliteInBox;
        var query = db.Set<Store>().FromSqlRaw(sql, box.MinLat, box.MaxLat, box.MinLng, box.MaxLng).AsNoTracking();
        if (merchantId is { } id)
        {
            query = query.Where(s => s.MerchantId == id);
        }

        return query.ToListAsync(ct);
    }
}
