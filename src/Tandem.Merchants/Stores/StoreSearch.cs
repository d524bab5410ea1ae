using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Merchants.Data;

namespace Tandem.Merchants.Stores;

/// <summary>A store within the search circle: what the public list shows, read from the index alone.</summary>
internal readonly record struct StoreHit(Guid StoreId, Guid MerchantId, string Name, GeoPoint Location, double DistanceKm);

/// <summary>
/// Stores near a point. The spatial index (an R*Tree on SQLite, GiST on PostgreSQL; see the
/// StoreSpatialIndex migrations and docs/decisions/0004-nearby-search.md) yields every store in the
/// bounding boxes of the circle, and the exact great-circle distance filters and orders them. A plain
/// ADO.NET reader keeps the per-row cost low: this is the hot path of every "near me" screen.
/// </summary>
internal sealed class StoreSearch(TandemDbContext db)
{
    // The R*Tree drives the query: CROSS JOIN fixes the join order in SQLite, whose planner may
    // otherwise scan the stores table and probe the R*Tree per row (seconds instead of microseconds).
    // The covering index on (SpatialKey, Lat, Lng, Id, MerchantId, Name) answers the join without the table.
    internal const string SqliteInBox = $"""
        SELECT s.Id, s.MerchantId, s.Name, s.Lat, s.Lng
        FROM {MerchantsModel.SqliteStoreIndex} AS r CROSS JOIN merchants_stores AS s
        WHERE r.maxLat >= @minLat AND r.minLat <= @maxLat AND r.maxLng >= @minLng AND r.minLng <= @maxLng
          AND s.SpatialKey = r.id
        """;

    // The same expression as the GiST index on point(Lng, Lat), so the planner can use it.
    internal const string PostgresInBox = """
        SELECT s."Id", s."MerchantId", s."Name", s."Lat", s."Lng"
        FROM merchants.stores AS s
        WHERE point(s."Lng", s."Lat") <@ box(point(@minLng, @minLat), point(@maxLng, @maxLat))
        """;

    /// <summary>Every store within <paramref name="radiusKm"/> of <paramref name="centre"/>, nearest first (ties by id).</summary>
    public async Task<List<StoreHit>> HitsAsync(GeoPoint centre, double radiusKm, Guid? merchantId, CancellationToken ct)
    {
        var hits = new List<StoreHit>();
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        try
        {
            var boxes = SearchArea.Boxes(centre, radiusKm);
            foreach (var box in boxes)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
                command.CommandText = db.IsPostgres ? PostgresInBox : SqliteInBox;
                Add(command, "@minLat", box.MinLat);
                Add(command, "@maxLat", box.MaxLat);
                Add(command, "@minLng", box.MinLng);
                Add(command, "@maxLng", box.MaxLng);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var store = reader.GetGuid(0);
                    var merchant = reader.GetGuid(1);
                    var at = new GeoPoint(reader.GetDouble(3), reader.GetDouble(4));
                    var distance = centre.DistanceKmTo(at);
                    if (distance <= radiusKm && (merchantId is null || merchant == merchantId))
                    {
                        hits.Add(new StoreHit(store, merchant, reader.GetString(2), at, distance));
                    }
                }
            }

            hits.Sort(NearestFirst);
            if (boxes.Count > 1)
            {
                // A store on the antimeridian may sit in both halves of a split box.
                hits = hits.DistinctBy(h => h.StoreId).ToList();
            }

            return hits;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>The stores of <paramref name="hits"/>, in the same order.</summary>
    public async Task<List<NearbyStore>> LoadAsync(IReadOnlyCollection<StoreHit> hits, CancellationToken ct)
    {
        if (hits.Count == 0)
        {
            return [];
        }

        var ids = hits.Select(h => h.StoreId).ToList();
        var stores = await db.Set<Store>().AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        return hits.Where(h => stores.ContainsKey(h.StoreId)).Select(h => new NearbyStore(stores[h.StoreId].ToInfo(), h.DistanceKm)).ToList();
    }

    public static int NearestFirst(StoreHit a, StoreHit b)
    {
        var byDistance = a.DistanceKm.CompareTo(b.DistanceKm);
        return byDistance != 0 ? byDistance : a.StoreId.CompareTo(b.StoreId);
    }

    private static void Add(DbCommand command, string name, double value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.Double;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
