using Tandem.Kernel;

namespace Tandem.Delivery.Routing;

/// <summary>Names of vehicle profiles understood by <see cref="HaversineTravelTimes"/>.</summary>
internal static class TravelProfiles
{
    public const string Default = "default";
    public const string Bicycle = "bicycle";
    public const string Scooter = "scooter";
    public const string Car = "car";
}

/// <summary>Distances and travel times between every pair of a problem's locations, row-major.</summary>
internal sealed class TravelMatrix
{
    private readonly double[] _distance;
    private readonly double[] _time;

    public TravelMatrix(int size, double[] distance, double[] time)
    {
        if (distance.Length != size * size || time.Length != size * size)
        {
            throw new ArgumentException("Matrices must be size × size.");
        }

        Size = size;
        _distance = distance;
        _time = time;
    }

    public int Size { get; }

    public double Distance(int from, int to) => _distance[from * Size + to];

    public double Time(int from, int to) => _time[from * Size + to];
}

/// <summary>
/// Where travel times come from: straight-line estimates by default, a road-network service (OSRM) when configured.
/// The optimiser asks once per vehicle profile and problem, never inside its search.
/// </summary>
internal interface ITravelTimes
{
    TravelMatrix Build(IReadOnlyList<Point> locations, string profile);
}

/// <summary>Euclidean distance on the plane; travel time equals distance (the Solomon and Li &amp; Lim convention).</summary>
internal sealed class EuclideanTravelTimes : ITravelTimes
{
    public static readonly EuclideanTravelTimes Instance = new();

    public TravelMatrix Build(IReadOnlyList<Point> locations, string profile)
    {
        var n = locations.Count;
        var d = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var dx = locations[i].X - locations[j].X;
                var dy = locations[i].Y - locations[j].Y;
                d[i * n + j] = Math.Sqrt(dx * dx + dy * dy);
            }
        }

        return new TravelMatrix(n, d, d);
    }
}

/// <summary>
/// Tandem's default: great-circle distance times a road factor, in metres; time in seconds at a speed per vehicle
/// profile. Points are (X = longitude, Y = latitude).
/// </summary>
internal sealed class HaversineTravelTimes(double roadFactor = 1.3, IReadOnlyDictionary<string, double>? speedsKmh = null) : ITravelTimes
{
    private static readonly Dictionary<string, double> DefaultSpeeds = new()
    {
        [TravelProfiles.Default] = 20,
        [TravelProfiles.Bicycle] = 15,
        [TravelProfiles.Scooter] = 25,
        [TravelProfiles.Car] = 30,
    };

    private readonly IReadOnlyDictionary<string, double> _speeds = speedsKmh ?? DefaultSpeeds;

    public double SpeedKmh(string profile) =>
        _speeds.TryGetValue(profile, out var v) ? v : _speeds.TryGetValue(TravelProfiles.Default, out var d) ? d : 20;

    /// <summary>The straight-line estimate between two places: metres along the road factor, seconds at the profile's speed.</summary>
    public (double Metres, double Seconds) Estimate(GeoPoint from, GeoPoint to, string profile)
    {
        var metres = from.DistanceKmTo(to) * 1000 * roadFactor;
        return (metres, metres / (SpeedKmh(profile) / 3.6));
    }

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
                    (d[i * n + j], t[i * n + j]) = Estimate(a, new GeoPoint(locations[j].Y, locations[j].X), profile);
                }
            }
        }

        return new TravelMatrix(n, d, t);
    }
}
