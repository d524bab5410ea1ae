using Tandem.Delivery.Routing;
using Tandem.Delivery.Routing.Formats;

namespace Tandem.Tests.Delivery.Routing;

/// <summary>Instances for the routing tests: the few published ones copied beside the tests, and generated ones.</summary>
internal static class RoutingFixtures
{
    public static string InstancePath(string file) => Path.Combine(AppContext.BaseDirectory, "Delivery", "Instances", file);

    public static RoutingProblem Solomon(string name) => SolomonFormat.Read(InstancePath(name + ".txt"));

    public static RoutingProblem LiLim(string name) => LiLimFormat.Read(InstancePath(name + ".txt"));

    public static BestKnown Bks(string file, string key) => BestKnownSolutions.Read(InstancePath(file))[key];

    /// <summary>
    /// A random small problem on a 100 × 100 plane: single stops and pickup-delivery pairs with random windows
    /// (some impossible), vehicles from two depots with two speeds. Everything is drawn from the seed.
    /// </summary>
    public static RoutingProblem Random(int seed, int singles, int pairs, int vehicles, bool tightCapacity, bool roadLike = false)
    {
        var rng = new Random(seed);
        var locations = new List<Point> { new(50, 50), new(rng.Next(101), rng.Next(101)) };
        var fleet = new List<Vehicle>();
        for (var v = 0; v < vehicles; v++)
        {
            var depot = v % 2;
            var capacity = tightCapacity ? 3 + rng.Next(5) : 20 + rng.Next(30);
            fleet.Add(new Vehicle($"v{v}", capacity, depot, rng.Next(2), rng.Next(50), 400 + rng.Next(400), v % 3 == 2 ? "fast" : "slow"));
        }

        var stops = new List<Stop>();
        Stop NewStop(string id)
        {
            var at = locations.Count;
            locations.Add(new Point(rng.Next(101), rng.Next(101)));
            var ready = rng.Next(500);
            var width = rng.Next(5) == 0 ? rng.Next(10) : 30 + rng.Next(300);
            return new Stop(id, at, 1 + rng.Next(6), ready, ready + width, rng.Next(15));
        }

        for (var s = 0; s < singles; s++)
        {
            stops.Add(NewStop($"s{s}"));
        }

        var pairList = new List<PickupDelivery>();
        for (var p = 0; p < pairs; p++)
        {
            var pickup = NewStop($"p{p}");
            var delivery = NewStop($"d{p}") with { Demand = pickup.Demand };
            pairList.Add(new PickupDelivery(stops.Count, stops.Count + 1));
            stops.Add(pickup);
            stops.Add(delivery);
        }

        return new RoutingProblem($"random-{seed}", locations, fleet, stops, pairList, new TwoSpeedTravel(roadLike ? seed : null));
    }

    /// <summary>
    /// Euclidean distance; "fast" vehicles take 0.6 of the time. With a seed, each directed arc's time is also scaled by
    /// 0.5–2 like a road network's, so the triangle inequality no longer holds and the two directions differ.
    /// </summary>
    internal sealed class TwoSpeedTravel(int? jitterSeed = null) : ITravelTimes
    {
        public TravelMatrix Build(IReadOnlyList<Point> locations, string profile)
        {
            var e = EuclideanTravelTimes.Instance.Build(locations, profile);
            var n = e.Size;
            var d = new double[n * n];
            var t = new double[n * n];
            var factor = profile == "fast" ? 0.6 : 1.0;
            var jitter = jitterSeed is { } js ? new Random(js) : null;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    d[i * n + j] = e.Distance(i, j);
                    t[i * n + j] = e.Distance(i, j) * factor * (jitter is null ? 1 : 0.5 + 1.5 * jitter.NextDouble());
                }
            }

            return new TravelMatrix(n, d, t);
        }
    }
}
