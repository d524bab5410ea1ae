namespace Tandem.Delivery.Routing;

/// <summary>
/// A place on the plane. For the published benchmark instances X and Y are Euclidean coordinates;
/// for Tandem they are longitude (X) and latitude (Y) in degrees, read by <see cref="HaversineTravelTimes"/>.
/// </summary>
internal readonly record struct Point(double X, double Y);

/// <summary>
/// A vehicle (a courier). Time is in the unit of the problem's <see cref="ITravelTimes"/> (seconds for Tandem,
/// the instance's own unit for the benchmarks). The route leaves <see cref="StartLocation"/> no earlier than
/// <see cref="ShiftStart"/> and must be back at <see cref="EndLocation"/> no later than <see cref="ShiftEnd"/>.
/// </summary>
internal sealed record Vehicle(
    string Id,
    int Capacity,
    int StartLocation,
    int EndLocation,
    double ShiftStart,
    double ShiftEnd,
    string Profile = TravelProfiles.Default);

/// <summary>
/// A place to visit. Service must START inside [<see cref="Ready"/>, <see cref="Due"/>]; arriving early waits.
/// <see cref="Demand"/> is in capacity units: a stop that is not part of a <see cref="PickupDelivery"/> is a delivery
/// loaded at the vehicle's start; in a pair the pickup loads it and the delivery unloads the same amount.
/// </summary>
internal sealed record Stop(string Id, int Location, int Demand, double Ready, double Due, double Service);

/// <summary>A shipment: <see cref="Pickup"/> and <see cref="Delivery"/> are stop indexes; same vehicle, pickup first.</summary>
internal sealed record PickupDelivery(int Pickup, int Delivery);

/// <summary>What the optimiser minimises.</summary>
internal enum RoutingObjective
{
    /// <summary>Serve as many stops as possible, then minimise total distance (Solomon "_distance" records, Tandem dispatch).</summary>
    Distance,

    /// <summary>Serve as many stops as possible, then use as few vehicles as possible, then minimise distance (Li &amp; Lim records).</summary>
    VehiclesThenDistance,
}

/// <summary>A vehicle-routing problem with time windows, capacities and pickup-and-delivery pairs.</summary>
internal sealed class RoutingProblem
{
    public RoutingProblem(
        string name,
        IReadOnlyList<Point> locations,
        IReadOnlyList<Vehicle> vehicles,
        IReadOnlyList<Stop> stops,
        IReadOnlyList<PickupDelivery> pairs,
        ITravelTimes travel,
        RoutingObjective objective = RoutingObjective.Distance)
    {
        Name = name;
        Locations = locations;
        Vehicles = vehicles;
        Stops = stops;
        Pairs = pairs;
        Travel = travel;
        Objective = objective;
        Validate();
    }

    public string Name { get; }

    public IReadOnlyList<Point> Locations { get; }

    public IReadOnlyList<Vehicle> Vehicles { get; }

    public IReadOnlyList<Stop> Stops { get; }

    public IReadOnlyList<PickupDelivery> Pairs { get; }

    public ITravelTimes Travel { get; }

    public RoutingObjective Objective { get; }

    private void Validate()
    {
        var inPair = new bool[Stops.Count];
        foreach (var p in Pairs)
        {
            if (p.Pickup < 0 || p.Pickup >= Stops.Count || p.Delivery < 0 || p.Delivery >= Stops.Count || p.Pickup == p.Delivery)
            {
                throw new ArgumentException($"Pair {p} refers to unknown stops.");
            }

            if (inPair[p.Pickup] || inPair[p.Delivery])
            {
                throw new ArgumentException($"Stop of pair {p} is already in another pair.");
            }

            if (Stops[p.Pickup].Demand != Stops[p.Delivery].Demand)
            {
                throw new ArgumentException($"Pair {p}: the delivery must unload what the pickup loads.");
            }

            inPair[p.Pickup] = inPair[p.Delivery] = true;
        }

        foreach (var s in Stops)
        {
            if (s.Location < 0 || s.Location >= Locations.Count || s.Demand < 0 || s.Service < 0 || !(s.Ready <= s.Due))
            {
                throw new ArgumentException($"Stop {s.Id} is malformed.");
            }
        }

        foreach (var v in Vehicles)
        {
            if (v.StartLocation < 0 || v.StartLocation >= Locations.Count || v.EndLocation < 0 || v.EndLocation >= Locations.Count
                || v.Capacity < 0 || !(v.ShiftStart <= v.ShiftEnd))
            {
                throw new ArgumentException($"Vehicle {v.Id} is malformed.");
            }
        }
    }
}

/// <summary>How long and how deterministically to search (with neither budget: 20,000 iterations).</summary>
/// <param name="Seed">Seed of the only random source; with <paramref name="MaxIterations"/> the result depends on nothing else.</param>
/// <param name="MaxIterations">Iteration budget. When set, the search schedule uses iterations, never the clock.</param>
/// <param name="TimeLimit">Wall-clock budget (anytime: the best plan so far is returned when it runs out).</param>
internal sealed record SolveOptions(int Seed = 1, long? MaxIterations = null, TimeSpan? TimeLimit = null)
{
    /// <summary>Fraction of the budget spent reducing the number of vehicles for <see cref="RoutingObjective.VehiclesThenDistance"/>.</summary>
    public double FleetPhaseShare { get; init; } = 0.4;
}

/// <summary>One vehicle's planned route: the stops in order and the planned service start at each.</summary>
internal sealed record PlannedRoute(int Vehicle, IReadOnlyList<int> Stops, IReadOnlyList<double> ServiceStarts, double Distance, double Duration);

/// <summary>Why a stop was left out of the plan; the dispatcher sees these, they are never served late.</summary>
internal enum UnassignedReason
{
    /// <summary>No vehicle could serve it even alone (window, shift or capacity).</summary>
    Unreachable,

    /// <summary>It could be served alone, but not together with the others within the fleet.</summary>
    NoCapacityLeft,
}

internal sealed record UnassignedStop(int Stop, UnassignedReason Reason);

/// <summary>The optimiser's plan.</summary>
internal sealed record RoutingSolution(
    IReadOnlyList<PlannedRoute> Routes,
    IReadOnlyList<UnassignedStop> Unassigned,
    double Distance,
    long Iterations,
    TimeSpan Elapsed)
{
    public int VehiclesUsed => Routes.Count(r => r.Stops.Count > 0);
}

/// <summary>Plans routes for a <see cref="RoutingProblem"/>.</summary>
internal interface IRouteOptimizer
{
    RoutingSolution Solve(RoutingProblem problem, SolveOptions options, CancellationToken cancellationToken = default);
}
