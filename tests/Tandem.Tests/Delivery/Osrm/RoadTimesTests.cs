using System.Net;
using System.Net.Http.Json;
using Tandem.Kernel;
using Tandem.Tests.Delivery.Lifecycle;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Delivery.Osrm;

/// <summary>A host whose travel times come from the fake OSRM server (started first, so its port can be configured).</summary>
public interface IOsrmApp
{
    FakeOsrm Osrm { get; }
}

internal static class OsrmHost
{
    public static IEnumerable<KeyValuePair<string, string?>> Settings(FakeOsrm osrm) =>
    [
        .. DeliverySettings.Values,
        new("Tandem:Delivery:Osrm:BaseUrl", osrm.BaseUrl),
        new("Tandem:Delivery:Osrm:RetryAfter", "00:00:00"),
    ];
}

public sealed class OsrmSqliteApp : SqliteApp, IOsrmApp
{
    private FakeOsrm? _osrm;

    public FakeOsrm Osrm => _osrm ?? throw new InvalidOperationException("The fake OSRM server has not started.");

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => OsrmHost.Settings(Osrm);

    public override async ValueTask InitializeAsync()
    {
        _osrm = await FakeOsrm.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_osrm is not null)
        {
            await _osrm.DisposeAsync();
        }
    }
}

public sealed class OsrmPostgresApp : PostgresApp, IOsrmApp
{
    private FakeOsrm? _osrm;

    public FakeOsrm Osrm => _osrm ?? throw new InvalidOperationException("The fake OSRM server has not started.");

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => OsrmHost.Settings(Osrm);

    public override async ValueTask InitializeAsync()
    {
        if (Unavailable is null)
        {
            _osrm = await FakeOsrm.StartAsync();
        }

        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_osrm is not null)
        {
            await _osrm.DisposeAsync();
        }
    }
}

/// <summary>A host configured with a road network quotes, plans and estimates arrival with its (slow) road times.</summary>
public abstract class RoadTimesTests(TandemApp app) : DeliveryTest(app)
{
    private static readonly GeoPoint Store = new(Lat, Lng);
    private static readonly GeoPoint Home = new(HomeLat, HomeLng);

    private FakeOsrm Osrm => ((IOsrmApp)App).Osrm;

    [Fact]
    public async Task Quotes_plans_and_arrival_times_follow_the_road_network()
    {
        Osrm.Reset();
        // Scooters ride the bike profile: 1 m/s on the fake's roads, far slower than the 25 km/h straight-line estimate.
        var road = FakeOsrm.Seconds(Store, Home, "bike");
        var straight = Store.DistanceKmTo(Home) * 1.3 * 1000 / (25 / 3.6);
        road.ShouldBeGreaterThan(straight + 20 * 60);

        var shop = await NewDeliveringShopAsync();
        var consumer = await NewUserAsync();
        var before = DateTime.UtcNow;
        var quote = await (await consumer.Client.PostAsJsonAsync("/api/v1/delivery/quotes", new
        {
            storeId = shop.StoreId,
            location = new { lat = HomeLat, lng = HomeLng },
            subtotal = new { amount = 1299, currency = "CNY" },
        }, Ct)).ShouldHave(HttpStatusCode.OK);
        var after = DateTime.UtcNow;
        // The window opens after 10 minutes' packing and the ride on the roads (rounded up to the minute).
        var start = quote.GetProperty("window").GetProperty("start").GetDateTime().ToUniversalTime();
        start.ShouldBeGreaterThanOrEqualTo(before.AddMinutes(10).AddSeconds(road));
        start.ShouldBeLessThanOrEqualTo(after.AddMinutes(11).AddSeconds(road));

        var courier = await NewCourierAsync(lat: Lat, lng: Lng);
        try
        {
            var order = await ReadyDeliveryAsync(consumer, shop);
            var orderId = IdOf(order);
            var planned = DateTime.UtcNow;
            var batch = await (await (await AdminAsync()).PostAsync("/api/v1/dispatch/batches", null, Ct)).ShouldHave(HttpStatusCode.OK);
            batch.GetProperty("skipped").GetBoolean().ShouldBeFalse();
            batch.GetProperty("estimatedTravel").GetInt32().ShouldBe(0);
            var job = (await CourierJobsAsync(courier)).Single(j => j.GetProperty("orderId").GetGuid() == orderId);
            // The courier is at the store: two minutes there, then the ride on the roads. A straight-line plan would be ~25 minutes sooner.
            job.GetProperty("plannedDeliveryAt").GetDateTime().ToUniversalTime().ShouldBeGreaterThanOrEqualTo(planned.AddSeconds(120 + road - 1));

            await (await courier.Client.PostAsJsonAsync($"/api/v1/courier/jobs/{JobIdOf(job)}/pickup", new { orderCode = $"tandem:order:{orderId}" }, Ct))
                .ShouldHave(HttpStatusCode.OK);
            var delivery = await (await consumer.Client.GetAsync($"/api/v1/orders/{orderId}/delivery", Ct)).ShouldHave(HttpStatusCode.OK);
            delivery.GetProperty("etaSeconds").GetInt32().ShouldBe((int)Math.Round(road));
            Osrm.Requests.ShouldBeGreaterThanOrEqualTo(3);
        }
        finally
        {
            await ShiftAsync(courier, false);
        }
    }

    [Fact]
    public async Task With_the_road_network_down_quotes_and_dispatch_carry_on_with_estimates()
    {
        Osrm.Reset();
        Osrm.Mode = FakeOsrmMode.BadGateway;
        try
        {
            var shop = await NewDeliveringShopAsync();
            var consumer = await NewUserAsync();
            var quote = await (await consumer.Client.PostAsJsonAsync("/api/v1/delivery/quotes", new
            {
                storeId = shop.StoreId,
                location = new { lat = HomeLat, lng = HomeLng },
                subtotal = new { amount = 1299, currency = "CNY" },
            }, Ct)).ShouldHave(HttpStatusCode.OK);
            var straight = Store.DistanceKmTo(Home) * 1.3 * 1000 / (25 / 3.6);
            (quote.GetProperty("window").GetProperty("start").GetDateTime().ToUniversalTime() - DateTime.UtcNow).TotalSeconds
                .ShouldBeLessThanOrEqualTo(11 * 60 + straight);

            var courier = await NewCourierAsync(lat: Lat, lng: Lng);
            try
            {
                var order = await ReadyDeliveryAsync(consumer, shop);
                var batch = await (await (await AdminAsync()).PostAsync("/api/v1/dispatch/batches", null, Ct)).ShouldHave(HttpStatusCode.OK);
                batch.GetProperty("assigned").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
                batch.GetProperty("estimatedTravel").GetInt32().ShouldBeGreaterThan(0);
                (await CourierJobsAsync(courier)).ShouldContain(j => j.GetProperty("orderId").GetGuid() == IdOf(order));
            }
            finally
            {
                await ShiftAsync(courier, false);
            }
        }
        finally
        {
            Osrm.Mode = FakeOsrmMode.Ok;
        }
    }
}

public sealed class RoadTimesTests_Sqlite(OsrmSqliteApp app) : RoadTimesTests(app), IClassFixture<OsrmSqliteApp>;

public sealed class RoadTimesTests_Postgres(OsrmPostgresApp app) : RoadTimesTests(app), IClassFixture<OsrmPostgresApp>;
