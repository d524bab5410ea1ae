using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Delivery;
using Tandem.Delivery.Routing;
using Tandem.Kernel;

namespace Tandem.Tests.Delivery.Osrm;

/// <summary>
/// <see cref="OsrmTravelTimes"/> against the fake OSRM server, wired exactly as the host wires it (configuration →
/// one <see cref="ITravelTimeSource"/> registration, named HttpClient).
/// </summary>
public sealed class OsrmTravelTimesTests : IAsyncLifetime
{
    private FakeOsrm _osrm = null!;
    private readonly List<ServiceProvider> _providers = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _osrm = await FakeOsrm.StartAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _osrm.DisposeAsync();
    }

    private ITravelTimeSource Source(params (string Key, string? Value)[] settings)
    {
        // Later settings override earlier ones, as in layered configuration.
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton(TimeProvider.System);
        services.Configure<DeliveryOptions>(configuration.GetSection("Tandem:Delivery"));
        services.AddTravelTimes(configuration);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<ITravelTimeSource>();
    }

    private ITravelTimeSource Osrm(params (string Key, string? Value)[] extra) =>
        Source([("Tandem:Delivery:Osrm:BaseUrl", _osrm.BaseUrl), ("Tandem:Delivery:Osrm:RetryAfter", "00:00:00"), .. extra]);

    /// <summary>Places around West Lake, on a 10⁻⁵ degree grid (what the client sends is what the fake reads).</summary>
    private static List<GeoPoint> Places(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => new GeoPoint(Math.Round(30.25 + random.NextDouble() * 0.05, 5), Math.Round(120.13 + random.NextDouble() * 0.06, 5)))
            .ToList();
    }

    private static void ShouldBeRoad(TravelTable table, IReadOnlyList<GeoPoint> places, string vehicle, string profile)
    {
        foreach (var a in places)
        {
            foreach (var b in places)
            {
                table.Seconds(a, b, vehicle).ShouldBe(FakeOsrm.Seconds(a, b, profile), $"{a} → {b}");
                table.Metres(a, b, vehicle).ShouldBe(FakeOsrm.Metres(a, b), $"{a} → {b}");
            }
        }
    }

    private static void ShouldBeStraight(TravelTable table, GeoPoint a, GeoPoint b, string vehicle)
    {
        var straight = new HaversineTravelTimes(1.3);
        var metres = a.DistanceKmTo(b) * 1000 * 1.3;
        table.Metres(a, b, vehicle).ShouldBe(metres, 1e-6);
        table.Seconds(a, b, vehicle).ShouldBe(metres / (straight.SpeedKmh(vehicle) / 3.6), 1e-6);
    }

    [Fact]
    public async Task Without_a_road_network_travel_is_the_straight_line_estimate()
    {
        var source = Source();
        source.ShouldBeOfType<StraightLineTravelTimes>();
        var places = Places(5, 1);
        var table = await source.TableAsync(places, [TravelProfiles.Scooter], Ct);
        table.FromRoads.ShouldBeFalse();
        ShouldBeStraight(table, places[0], places[3], TravelProfiles.Scooter);
        _osrm.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task The_matrix_is_the_servers_road_times_and_distances_per_vehicle_profile()
    {
        _osrm.Reset();
        var source = Osrm(("Tandem:Delivery:Osrm:Vehicles:car:Profile", "car"));
        var places = Places(12, 2);
        var table = await source.TableAsync(places, [TravelProfiles.Scooter, TravelProfiles.Bicycle, TravelProfiles.Car], Ct);

        table.Estimated.ShouldBe(0);
        ShouldBeRoad(table, places, TravelProfiles.Scooter, "bike");
        ShouldBeRoad(table, places, TravelProfiles.Bicycle, "bike");
        ShouldBeRoad(table, places, TravelProfiles.Car, "car");
        // Bicycles and scooters share the bike server's answer: one request for bike, one for car.
        _osrm.Requests.ShouldBe(2);

        // As a routing problem's ITravelTimes, the table gives the solver the same numbers.
        var matrix = table.Build(places.Select(p => new Point(p.Lng, p.Lat)).ToList(), TravelProfiles.Car);
        matrix.Time(3, 7).ShouldBe(FakeOsrm.Seconds(places[3], places[7], "car"));
        matrix.Distance(7, 3).ShouldBe(FakeOsrm.Metres(places[7], places[3]));
    }

    [Fact]
    public async Task A_200_order_batch_is_asked_in_blocks_within_the_servers_table_limit_and_stitched()
    {
        _osrm.Reset();
        var source = Osrm();
        // 10 stores, 200 doors and 30 couriers: 240 places, a 240 × 240 table against the default limit of 100 × 100.
        var places = Places(240, 3);
        var table = await source.TableAsync(places, [TravelProfiles.Scooter], Ct);

        table.Estimated.ShouldBe(0);
        _osrm.TooBigAnswers.ShouldBe(0);
        _osrm.LargestTable.ShouldBeLessThanOrEqualTo(100 * 100);
        _osrm.Requests.ShouldBe(9);
        ShouldBeRoad(table, places, TravelProfiles.Scooter, "bike");
    }

    [Fact]
    public async Task Uneven_blocks_stitch_into_the_right_cells()
    {
        _osrm.Reset();
        _osrm.MaxTableSize = 7;
        var source = Osrm(("Tandem:Delivery:Osrm:MaxTableSize", "7"));
        var places = Places(25, 4);
        var table = await source.TableAsync(places, [TravelProfiles.Car], Ct);

        table.Estimated.ShouldBe(0);
        _osrm.TooBigAnswers.ShouldBe(0);
        _osrm.Requests.ShouldBe(16);
        ShouldBeRoad(table, places, TravelProfiles.Car, "car");
    }

    [Fact]
    public async Task A_client_asking_more_than_the_server_allows_is_refused_TooBig_and_falls_back()
    {
        _osrm.Reset();
        _osrm.MaxTableSize = 5;
        var source = (OsrmTravelTimes)Osrm();
        var places = Places(8, 5);
        var table = await source.TableAsync(places, [TravelProfiles.Car], Ct);

        _osrm.TooBigAnswers.ShouldBe(1);
        table.Estimated.ShouldBe(8 * 7);
        source.FailedRequests.ShouldBe(1);
        ShouldBeStraight(table, places[1], places[6], TravelProfiles.Car);
    }

    [Theory]
    [InlineData(FakeOsrmMode.BadGateway)]
    [InlineData(FakeOsrmMode.Hang)]
    [InlineData(FakeOsrmMode.NoSegment)]
    public async Task When_the_server_fails_times_out_or_refuses_every_cell_is_estimated_and_counted(FakeOsrmMode mode)
    {
        _osrm.Reset();
        _osrm.Mode = mode;
        var source = (OsrmTravelTimes)Osrm(("Tandem:Delivery:Osrm:Timeout", "00:00:00.300"));
        var places = Places(6, 6);
        var table = await source.TableAsync(places, [TravelProfiles.Scooter], Ct);

        table.Estimated.ShouldBe(6 * 5);
        source.EstimatedCells.ShouldBe(6 * 5);
        source.FailedRequests.ShouldBe(1);
        foreach (var a in places)
        {
            foreach (var b in places.Where(b => b != a))
            {
                ShouldBeStraight(table, a, b, TravelProfiles.Scooter);
            }
        }

        // The server is back: the next table is road times again (RetryAfter is zero here).
        _osrm.Mode = FakeOsrmMode.Ok;
        var again = await source.TableAsync(places, [TravelProfiles.Scooter], Ct);
        again.Estimated.ShouldBe(0);
        ShouldBeRoad(again, places, TravelProfiles.Scooter, "bike");
    }

    [Fact]
    public async Task A_failed_server_is_left_alone_until_RetryAfter_has_passed()
    {
        _osrm.Reset();
        _osrm.Mode = FakeOsrmMode.BadGateway;
        var source = Osrm(("Tandem:Delivery:Osrm:RetryAfter", "01:00:00"));
        var places = Places(4, 7);
        (await source.TableAsync(places, [TravelProfiles.Car], Ct)).Estimated.ShouldBe(12);
        _osrm.Requests.ShouldBe(1);

        _osrm.Mode = FakeOsrmMode.Ok;
        (await source.TableAsync(places, [TravelProfiles.Car], Ct)).Estimated.ShouldBe(12);
        _osrm.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task Unreachable_pairs_are_estimated_cell_by_cell_and_the_rest_stays_road()
    {
        _osrm.Reset();
        var places = Places(6, 8);
        var island = places[2];
        _osrm.Islands.Add((island.Lat, island.Lng));
        var table = await Osrm().TableAsync(places, [TravelProfiles.Bicycle], Ct);

        table.Estimated.ShouldBe(2 * 5);
        foreach (var other in places.Where(p => p != island))
        {
            ShouldBeStraight(table, island, other, TravelProfiles.Bicycle);
            ShouldBeStraight(table, other, island, TravelProfiles.Bicycle);
        }

        var mainland = places.Where(p => p != island).ToList();
        ShouldBeRoad(table, mainland, TravelProfiles.Bicycle, "bike");
    }

    [Fact]
    public async Task An_MLD_server_without_distances_still_gives_road_durations()
    {
        _osrm.Reset();
        _osrm.Mode = FakeOsrmMode.Mld;
        var places = Places(5, 9);
        var table = await Osrm().TableAsync(places, [TravelProfiles.Car], Ct);

        table.Estimated.ShouldBe(0);
        table.Seconds(places[0], places[4], TravelProfiles.Car).ShouldBe(FakeOsrm.Seconds(places[0], places[4], "car"));
        table.Metres(places[0], places[4], TravelProfiles.Car).ShouldBe(places[0].DistanceKmTo(places[4]) * 1000 * 1.3, 1e-6);
    }

    [Fact]
    public async Task A_vehicle_may_have_its_own_server_and_one_without_any_rides_in_straight_lines()
    {
        _osrm.Reset();
        await using var bikes = await FakeOsrm.StartAsync();
        var source = Source(
            ("Tandem:Delivery:Osrm:Vehicles:bicycle:BaseUrl", bikes.BaseUrl),
            ("Tandem:Delivery:Osrm:Vehicles:car:BaseUrl", _osrm.BaseUrl));
        var places = Places(4, 10);
        var table = await source.TableAsync(places, [TravelProfiles.Bicycle, TravelProfiles.Car, TravelProfiles.Scooter], Ct);

        table.Estimated.ShouldBe(0);
        bikes.Requests.ShouldBe(1);
        _osrm.Requests.ShouldBe(1);
        ShouldBeRoad(table, places, TravelProfiles.Bicycle, "bike");
        ShouldBeRoad(table, places, TravelProfiles.Car, "car");
        ShouldBeStraight(table, places[0], places[1], TravelProfiles.Scooter);
    }
}
