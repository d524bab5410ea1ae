using Tandem.Delivery.Routing;

namespace Tandem.Bench.Routing;

/// <summary>
/// Tandem-shaped dispatch problems: a district with stores, orders picked up at a store and delivered to a consumer
/// within a promised window, couriers on bicycles, scooters and in cars starting from where they are. Seeded.
/// </summary>
internal static class TandemInstances
{
    public static RoutingProblem Generate(int seed, int orders = 200, int couriers = 30, int stores = 10)
    {
        var rng = new Random(seed);
        const double lat0 = 30.27, lng0 = 120.15; // the demo district
        const double kmLat = 1 / 111.0, kmLng = 1 / 96.0;
        Point Around(double radiusKm)
        {
            var r = radiusKm * Math.Sqrt(rng.NextDouble());
            var a = rng.NextDouble() * 2 * Math.PI;
            return new Point(lng0 + r * Math.Cos(a) * kmLng, lat0 + r * Math.Sin(a) * kmLat);
        }

        var locations = new List<Point>();
        for (var s = 0; s < stores; s++)
        {
            locations.Add(Around(4));
        }

        var vehicles = new List<Vehicle>();
        string[] profiles = [TravelProfiles.Bicycle, TravelProfiles.Scooter, TravelProfiles.Scooter, TravelProfiles.Car];
        for (var c = 0; c < couriers; c++)
        {
            var at = locations.Count;
            locations.Add(Around(6));
            var profile = profiles[rng.Next(profiles.Length)];
            var capacity = profile == TravelProfiles.Car ? 20 : profile == TravelProfiles.Scooter ? 8 : 6;
            vehicles.Add(new Vehicle($"courier-{c + 1}", capacity, at, at, 0, 4 * 3600, profile));
        }

        var stops = new List<Stop>();
        var pairs = new List<PickupDelivery>();
        for (var o = 0; o < orders; o++)
        {
            var store = rng.Next(stores);
            var placed = rng.NextDouble() * 2 * 3600;
            var ready = placed + (10 + rng.Next(11)) * 60;
            var units = 1 + rng.Next(3);
            var customer = locations.Count;
            locations.Add(Around(6));
            pairs.Add(new PickupDelivery(stops.Count, stops.Count + 1));
            stops.Add(new Stop($"o{o + 1}-pickup", store, units, ready, ready + 30 * 60, 120));
            stops.Add(new Stop($"o{o + 1}-delivery", customer, units, ready, placed + 75 * 60, 180));
        }

        return new RoutingProblem($"tandem-{seed}", locations, vehicles, stops, pairs, new HaversineTravelTimes(), RoutingObjective.Distance);
    }
}
