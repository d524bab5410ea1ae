using Tandem.Kernel;

namespace Tandem.Delivery.Routing;

/// <summary>
/// Where Tandem's travel times come from (one registration, chosen by configuration): straight-line estimates by
/// default (<see cref="StraightLineTravelTimes"/>), a road-network service when <c>Tandem:Delivery:Osrm</c> names one
/// (<see cref="OsrmTravelTimes"/>). A caller asks once for all the places it needs and then reads times for free.
/// Never throws because a service is down: what the road network does not answer is estimated in a straight line.
/// </summary>
internal interface ITravelTimeSource
{
    Task<TravelTable> TableAsync(IReadOnlyList<GeoPoint> places, IReadOnlyCollection<string> vehicles, CancellationToken ct);
}

internal static class TravelTimeSourceExtensions
{
    /// <summary>Seconds from one place to another for a vehicle (one small table).</summary>
    public static async Task<double> SecondsAsync(this ITravelTimeSource source, GeoPoint from, GeoPoint to, string vehicle, CancellationToken ct) =>
        (await source.TableAsync([from, to], [vehicle], ct)).Seconds(from, to, vehicle);
}

/// <summary>
/// Travel between a fixed set of places, per vehicle: road-network answers where there are any, the straight-line
/// estimate (great-circle distance × road factor ÷ the vehicle's speed) everywhere else, including places not in the set.
/// It is also the <see cref="ITravelTimes"/> of a routing problem over those places, so the solver and the independent
/// checker read exactly the times the planner used.
/// </summary>
internal sealed class TravelTable : ITravelTimes
{
    private readonly Dictionary<(double Lat, double Lng), int> _index;
    private readonly Dictionary<string, RoadMatrix> _road;
    private readonly HaversineTravelTimes _straight;

    public TravelTable(IReadOnlyList<GeoPoint> places, HaversineTravelTimes straight, Dictionary<string, RoadMatrix>? road = null, int estimated = 0)
    {
        _index = Index(places);
        _straight = straight;
        _road = road ?? new Dictionary<string, RoadMatrix>(StringComparer.OrdinalIgnoreCase);
        Estimated = estimated;
    }

    /// <summary>Cells a road-network service was asked for but did not answer (down, timed out, refused, no route): estimated instead.</summary>
    public int Estimated { get; }

    /// <summary>Whether any time comes from a road network.</summary>
    public bool FromRoads => _road.Count > 0;

    /// <summary>One place per distinct coordinate, in first-seen order.</summary>
    public static List<GeoPoint> Distinct(IEnumerable<GeoPoint> places)
    {
        var seen = new HashSet<(double, double)>();
        var list = new List<GeoPoint>();
        foreach (var p in places)
        {
            if (seen.Add((p.Lat, p.Lng)))
            {
                list.Add(p);
            }
        }

        return list;
    }

    public double Seconds(GeoPoint from, GeoPoint to, string vehicle) => Cell(from, to, vehicle).Seconds;

    public double Metres(GeoPoint from, GeoPoint to, string vehicle) => Cell(from, to, vehicle).Metres;

    public TravelMatrix Build(IReadOnlyList<Point> locations, string profile)
    {
        var n = locations.Count;
        var d = new double[n * n];
        var t = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            var a = new GeoPoint(locations[i].Y, locations[i].X);
            for (var j = 0; j < n; j++)
            {
                if (i != j)
                {
                    (d[i * n + j], t[i * n + j]) = Cell(a, new GeoPoint(locations[j].Y, locations[j].X), profile);
                }
            }
        }

        return new TravelMatrix(n, d, t);
    }

    private (double Metres, double Seconds) Cell(GeoPoint from, GeoPoint to, string vehicle)
    {
        if (from == to)
        {
            return (0, 0);
        }

        if (_road.TryGetValue(vehicle, out var road) && _index.TryGetValue((from.Lat, from.Lng), out var i) && _index.TryGetValue((to.Lat, to.Lng), out var j)
            && road.Seconds[i * road.Size + j] is var seconds && !double.IsNaN(seconds))
        {
            var metres = road.Metres[i * road.Size + j];
            return (double.IsNaN(metres) ? _straight.Estimate(from, to, vehicle).Metres : metres, seconds);
        }

        return _straight.Estimate(from, to, vehicle);
    }

    private static Dictionary<(double, double), int> Index(IReadOnlyList<GeoPoint> places)
    {
        var index = new Dictionary<(double, double), int>(places.Count);
        for (var i = 0; i < places.Count; i++)
        {
            index.TryAdd((places[i].Lat, places[i].Lng), i);
        }

        return index;
    }
}

/// <summary>Row-major metres and seconds among a table's places; NaN where the road network gave no answer.</summary>
internal sealed record RoadMatrix(int Size, double[] Metres, double[] Seconds);

/// <summary>The default source: straight-line estimates only, as everywhere before a road network is configured.</summary>
internal sealed class StraightLineTravelTimes(Microsoft.Extensions.Options.IOptions<DeliveryOptions> options) : ITravelTimeSource
{
    public Task<TravelTable> TableAsync(IReadOnlyList<GeoPoint> places, IReadOnlyCollection<string> vehicles, CancellationToken ct) =>
        Task.FromResult(new TravelTable(places, new HaversineTravelTimes(options.Value.RoadFactor)));
}
