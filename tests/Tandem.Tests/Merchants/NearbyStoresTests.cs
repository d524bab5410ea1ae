using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Merchants;

public abstract class NearbyStoresTests(TandemApp app) : MerchantApiTest(app)
{
    private static int _area = Random.Shared.Next(0, 1000);

    /// <summary>A centre in empty country, over 100 km from any other test's, so results are this test's alone.</summary>
    private static GeoPoint NewArea()
    {
        var n = Interlocked.Increment(ref _area) % 5000;
        return new GeoPoint(-45 + n % 90, -150 + n / 90 * 2);
    }

    private static string Near(GeoPoint p) => string.Create(CultureInfo.InvariantCulture, $"{p.Lat:R},{p.Lng:R}");

    /// <summary>The point <paramref name="km"/> from <paramref name="from"/> on a bearing (degrees from north).</summary>
    private static GeoPoint Offset(GeoPoint from, double km, double bearingDegrees)
    {
        var d = km / GeoPoint.EarthRadiusKm;
        var b = bearingDegrees * Math.PI / 180;
        var lat1 = from.Lat * Math.PI / 180;
        var lng1 = from.Lng * Math.PI / 180;
        var lat2 = Math.Asin(Math.Sin(lat1) * Math.Cos(d) + Math.Cos(lat1) * Math.Sin(d) * Math.Cos(b));
        var lng2 = lng1 + Math.Atan2(Math.Sin(b) * Math.Sin(d) * Math.Cos(lat1), Math.Cos(d) - Math.Sin(lat1) * Math.Sin(lat2));
        var lng = lng2 * 180 / Math.PI;
        lng = (lng + 540) % 360 - 180;
        return new GeoPoint(lat2 * 180 / Math.PI, lng);
    }

    private async Task<Guid> StoreAtAsync(TestMerchant merchant, GeoPoint at, string name = "店") =>
        (await NewStoreAsync(merchant, at.Lat, at.Lng, name)).GetProperty("storeId").GetGuid();

    private async Task<List<(Guid Id, double DistanceKm)>> NearbyAsync(string query)
    {
        var body = await (await Anonymous().GetAsync($"/api/v1/stores?{query}", Ct)).ShouldHave(HttpStatusCode.OK);
        return body.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("storeId").GetGuid(), i.GetProperty("distanceKm").GetDouble())).ToList();
    }

    [Fact]
    public async Task Stores_within_the_default_5_km_are_listed_nearest_first_with_exact_distances()
    {
        var centre = NewArea();
        var merchant = await NewMerchantAsync();
        var far = await StoreAtAsync(merchant, Offset(centre, 3.0, 200), "远");
        var near = await StoreAtAsync(merchant, Offset(centre, 0.4, 10), "近");
        var middle = await StoreAtAsync(merchant, Offset(centre, 1.7, 95), "中");
        var outside = Offset(centre, 5.6, 300);
        await StoreAtAsync(merchant, outside, "外");

        var body = await (await Anonymous().GetAsync($"/api/v1/stores?near={Near(centre)}", Ct)).ShouldHave(HttpStatusCode.OK);
        var items = body.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("storeId").GetGuid()).ShouldBe([near, middle, far]);
        items[0].GetProperty("name").GetString().ShouldBe("近");
        items[0].GetProperty("merchantId").GetGuid().ShouldBe(merchant.Id);
        var location = items[0].GetProperty("location");
        var at = new GeoPoint(location.GetProperty("lat").GetDouble(), location.GetProperty("lng").GetDouble());
        items[0].GetProperty("distanceKm").GetDouble().ShouldBe(centre.DistanceKmTo(at));
        items[1].GetProperty("distanceKm").GetDouble().ShouldBe(1.7, 1e-6);
        body.TryGetProperty("nextCursor", out _).ShouldBeFalse();

        (await NearbyAsync($"near={Near(centre)}&radiusKm=6")).Count.ShouldBe(4);
    }

    [Fact]
    public async Task The_radius_is_the_exact_great_circle_distance()
    {
        var centre = NewArea();
        var merchant = await NewMerchantAsync();
        var north = Offset(centre, 2.5, 0);
        var east = Offset(centre, 2.5, 90);
        var northId = await StoreAtAsync(merchant, north);
        var eastId = await StoreAtAsync(merchant, east);
        // In the corner of the bounding box but outside the circle.
        var corner = await StoreAtAsync(merchant, new GeoPoint(north.Lat * 0.98 + centre.Lat * 0.02, east.Lng * 0.98 + centre.Lng * 0.02));

        var exact = Math.Max(centre.DistanceKmTo(north), centre.DistanceKmTo(east));
        var found = await NearbyAsync($"near={Near(centre)}&radiusKm={exact.ToString("R", CultureInfo.InvariantCulture)}");
        found.Select(f => f.Id).ShouldBe(new[] { northId, eastId }, ignoreOrder: true);
        found.ShouldNotContain(f => f.Id == corner);

        var justShort = Math.Min(centre.DistanceKmTo(north), centre.DistanceKmTo(east)) * (1 - 1e-12);
        (await NearbyAsync($"near={Near(centre)}&radiusKm={justShort.ToString("R", CultureInfo.InvariantCulture)}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_gaps_or_repeats()
    {
        var centre = NewArea();
        var merchant = await NewMerchantAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await StoreAtAsync(merchant, Offset(centre, 0.3 + i * 0.4, i * 50)));
        }

        // Two stores at the same spot are ordered by id, and paging splits them cleanly.
        ids.Add(await StoreAtAsync(merchant, Offset(centre, 0.3 + 6 * 0.4, 6 * 50)));

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var body = await (await Anonymous().GetAsync($"/api/v1/stores?near={Near(centre)}&limit=3{(cursor is null ? "" : "&cursor=" + cursor)}", Ct))
                .ShouldHave(HttpStatusCode.OK);
            var items = body.GetProperty("items").EnumerateArray().ToList();
            items.Count.ShouldBeLessThanOrEqualTo(3);
            seen.AddRange(items.Select(i => i.GetProperty("storeId").GetGuid()));
            cursor = body.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);

        pages.ShouldBe(3);
        seen.ShouldBe(ids.Take(6).Concat(ids.Skip(6).Order()).ToList());
    }

    [Fact]
    public async Task The_default_limit_is_50()
    {
        var centre = NewArea();
        var merchant = await NewMerchantAsync();
        await Task.WhenAll(Enumerable.Range(0, 51).Select(i => StoreAtAsync(merchant, Offset(centre, 0.05 * i, i * 7))));
        var body = await (await Anonymous().GetAsync($"/api/v1/stores?near={Near(centre)}", Ct)).ShouldHave(HttpStatusCode.OK);
        body.GetProperty("items").GetArrayLength().ShouldBe(50);
        var next = body.GetProperty("nextCursor").GetString();
        var rest = await (await Anonymous().GetAsync($"/api/v1/stores?near={Near(centre)}&cursor={next}", Ct)).ShouldHave(HttpStatusCode.OK);
        rest.GetProperty("items").GetArrayLength().ShouldBe(1);
        (await NearbyAsync($"near={Near(centre)}&limit=200")).Count.ShouldBe(51);
    }

    [Theory]
    [InlineData("near=30.27,120.15&radiusKm=50.01", "radiusKm")]
    [InlineData("near=30.27,120.15&radiusKm=0", "radiusKm")]
    [InlineData("near=30.27,120.15&radiusKm=-1", "radiusKm")]
    [InlineData("near=30.27,120.15&radiusKm=abc", "radiusKm")]
    [InlineData("near=30.27,120.15&radiusKm=NaN", "radiusKm")]
    [InlineData("near=30.27,120.15&limit=201", "limit")]
    [InlineData("near=30.27,120.15&limit=0", "limit")]
    [InlineData("near=30.27,120.15&limit=2.5", "limit")]
    [InlineData("near=30.27,120.15&cursor=nonsense", "cursor")]
    [InlineData("near=30.27", "near")]
    [InlineData("near=abc,def", "near")]
    [InlineData("near=91,120", "near")]
    [InlineData("near=30,180.5", "near")]
    [InlineData("near=30,120,5", "near")]
    [InlineData("near=", "near")]
    [InlineData("radiusKm=5", "near")]
    public async Task Malformed_queries_name_the_parameter(string query, string field)
    {
        var problem = await (await Anonymous().GetAsync($"/api/v1/stores?{query}", Ct)).ShouldBeProblem(HttpStatusCode.BadRequest, "validation_failed");
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task A_radius_of_50_km_is_allowed()
    {
        var centre = NewArea();
        var merchant = await NewMerchantAsync();
        var id = await StoreAtAsync(merchant, Offset(centre, 49.9, 135));
        (await NearbyAsync($"near={Near(centre)}&radiusKm=50")).Select(f => f.Id).ShouldBe([id]);
    }

    [Fact]
    public async Task Search_crosses_the_antimeridian()
    {
        var merchant = await NewMerchantAsync();
        var centre = new GeoPoint(-16.5 - Random.Shared.NextDouble() * 3, 179.99);
        var west = await StoreAtAsync(merchant, new GeoPoint(centre.Lat, -179.99));
        var east = await StoreAtAsync(merchant, new GeoPoint(centre.Lat, 179.965));
        var found = await NearbyAsync($"near={Near(centre)}");
        found.Select(f => f.Id).ShouldBe([west, east]);
        found[0].DistanceKm.ShouldBe(centre.DistanceKmTo(new GeoPoint(centre.Lat, -179.99)));
        found[0].DistanceKm.ShouldBeLessThan(2.2);
    }

    [Fact]
    public async Task Search_near_a_pole_covers_every_longitude()
    {
        var merchant = await NewMerchantAsync();
        var lng = Random.Shared.Next(-170, 170);
        var centre = new GeoPoint(89.99, lng);
        var acrossThePole = await StoreAtAsync(merchant, new GeoPoint(89.99, lng + 180 > 180 ? lng - 180 : lng + 180));
        var found = await NearbyAsync($"near={Near(centre)}");
        found.Select(f => f.Id).ShouldContain(acrossThePole);
        found.Single(f => f.Id == acrossThePole).DistanceKm.ShouldBe(2.22, 0.01);
    }

    [Fact]
    public async Task A_moved_store_is_found_at_its_new_place_only()
    {
        var centre = NewArea();
        var elsewhere = NewArea();
        var merchant = await NewMerchantAsync();
        var id = await StoreAtAsync(merchant, Offset(centre, 1, 0));
        await (await merchant.Owner.Client.PatchAsJsonAsync($"/api/v1/stores/{id}", new { location = new { lat = elsewhere.Lat, lng = elsewhere.Lng } }, Ct))
            .ShouldHave(HttpStatusCode.OK);
        (await NearbyAsync($"near={Near(centre)}")).ShouldBeEmpty();
        (await NearbyAsync($"near={Near(elsewhere)}")).Select(f => f.Id).ShouldBe([id]);
    }

    [Fact]
    public async Task The_store_directory_filters_by_merchant_and_limits()
    {
        var centre = NewArea();
        var mine = await NewMerchantAsync();
        var theirs = await NewMerchantAsync();
        var first = await StoreAtAsync(mine, Offset(centre, 0.5, 0));
        var second = await StoreAtAsync(mine, Offset(centre, 1.0, 0));
        await StoreAtAsync(mine, Offset(centre, 1.5, 0));
        await StoreAtAsync(theirs, Offset(centre, 0.1, 0));

        await using var scope = App.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<IStoreDirectory>();
        var found = await directory.NearbyAsync(centre, 5, mine.Id, 2, Ct);
        found.Select(f => f.Store.StoreId).ShouldBe([first, second]);
        found.ShouldAllBe(f => f.Store.MerchantId == mine.Id);
        (await directory.NearbyAsync(centre, 5, null, 10, Ct)).Count.ShouldBe(4);
        (await directory.FindAsync(first, Ct))!.Name.ShouldBe("店");
        (await directory.FindAsync(Guid.NewGuid(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task The_nearby_query_is_driven_by_the_spatial_index()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        await db.Database.OpenConnectionAsync(Ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        string plan;
        if (db.IsPostgres)
        {
            // Tiny test tables favour a sequential scan; forbidding it shows the GiST index matches the query. SET LOCAL
            // in a transaction of its own: pooled connections are not reset, so a session setting would outlive the test.
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = "SET LOCAL enable_seqscan = off; EXPLAIN " + Tandem.Merchants.Stores.StoreSearch.PostgresInBox
                .Replace("@minLat", "30").Replace("@maxLat", "31").Replace("@minLng", "120").Replace("@maxLng", "121");
            plan = await ReadPlanAsync(command);
            plan.ShouldContain("ix_merchants_stores_location");
        }
        else
        {
            command.CommandText = "EXPLAIN QUERY PLAN " + Tandem.Merchants.Stores.StoreSearch.SqliteInBox
                .Replace("@minLat", "30").Replace("@maxLat", "31").Replace("@minLng", "120").Replace("@maxLng", "121");
            plan = await ReadPlanAsync(command);
            var lines = plan.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines[0].ShouldContain("VIRTUAL TABLE");
            lines[1].ShouldContain("USING COVERING INDEX");
        }
    }

    private async Task<string> ReadPlanAsync(System.Data.Common.DbCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            lines.Add(reader.GetString(reader.FieldCount - 1));
        }

        return string.Join('\n', lines);
    }
}

public sealed class NearbyStoresTests_Sqlite(SqliteApp app) : NearbyStoresTests(app);

public sealed class NearbyStoresTests_Postgres(PostgresApp app) : NearbyStoresTests(app);
