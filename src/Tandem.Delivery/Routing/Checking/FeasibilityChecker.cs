namespace Tandem.Delivery.Routing.Checking;

internal enum ViolationKind
{
    UnknownVehicle,
    VehicleUsedTwice,
    UnknownStop,
    StopVisitedTwice,
    StopMissing,
    LateService,
    LateReturn,
    OverCapacity,
    PairSplit,
    DeliveryBeforePickup,
    ScheduleMismatch,
    DistanceMismatch,
}

internal sealed record Violation(ViolationKind Kind, int? Vehicle, int? Stop, string Detail);

internal sealed record CheckReport(IReadOnlyList<Violation> Violations, double Distance, int VehiclesUsed, int Unassigned)
{
    public bool IsFeasible => Violations.Count == 0;
}

/// <summary>
/// Recomputes every route of a plan from the problem alone — times, loads, pickup-before-delivery, coverage — and lists
/// what is wrong. Deliberately shares no code with the optimiser: it is the referee for the solver's output (and for
/// OR-Tools' in the benchmark).
/// </summary>
internal static class FeasibilityChecker
{
    /// <summary>Absolute slack allowed on times and distances (floating-point noise, not lateness).</summary>
    public const double Tolerance = 1e-6;

    public static CheckReport Check(RoutingProblem problem, RoutingSolution solution)
    {
        var violations = new List<Violation>();
        var stops = problem.Stops;
        var matrices = new Dictionary<string, TravelMatrix>(StringComparer.Ordinal);
        var seen = new int[stops.Count];
        var routeOf = new int[stops.Count];
        var indexInRoute = new int[stops.Count];
        Array.Fill(routeOf, -1);

        var pickupOf = new Dictionary<int, int>();
        var deliveryOf = new Dictionary<int, int>();
        foreach (var pair in problem.Pairs)
        {
            pickupOf[pair.Delivery] = pair.Pickup;
            deliveryOf[pair.Pickup] = pair.Delivery;
        }

        var vehicleSeen = new HashSet<int>();
        var total = 0.0;
        var used = 0;
        for (var r = 0; r < solution.Routes.Count; r++)
        {
            var route = solution.Routes[r];
            if (route.Vehicle < 0 || route.Vehicle >= problem.Vehicles.Count)
            {
                violations.Add(new(ViolationKind.UnknownVehicle, route.Vehicle, null, $"route {r} names vehicle {route.Vehicle}"));
                continue;
            }

            if (!vehicleSeen.Add(route.Vehicle))
            {
                violations.Add(new(ViolationKind.VehicleUsedTwice, route.Vehicle, null, "two routes for one vehicle"));
            }

            if (route.Stops.Count == 0)
            {
                continue;
            }

            used++;
            var vehicle = problem.Vehicles[route.Vehicle];
            if (!matrices.TryGetValue(vehicle.Profile, out var m))
            {
                m = problem.Travel.Build(problem.Locations, vehicle.Profile);
                matrices[vehicle.Profile] = m;
            }

            var load = 0L;
            foreach (var s in route.Stops)
            {
                if (s >= 0 && s < stops.Count && !pickupOf.ContainsKey(s) && !deliveryOf.ContainsKey(s))
                {
                    load += stops[s].Demand;
                }
            }

            if (load > vehicle.Capacity)
            {
                violations.Add(new(ViolationKind.OverCapacity, route.Vehicle, null, $"leaves with {load} > {vehicle.Capacity}"));
            }

            var time = vehicle.ShiftStart;
            var at = vehicle.StartLocation;
            var service = 0.0;
            var distance = 0.0;
            for (var k = 0; k < route.Stops.Count; k++)
            {
                var s = route.Stops[k];
                if (s < 0 || s >= stops.Count)
                {
                    violations.Add(new(ViolationKind.UnknownStop, route.Vehicle, s, $"position {k}"));
                    continue;
                }

                var stop = stops[s];
                if (seen[s]++ > 0)
                {
                    violations.Add(new(ViolationKind.StopVisitedTwice, route.Vehicle, s, stop.Id));
                }

                routeOf[s] = r;
                indexInRoute[s] = k;
                distance += m.Distance(at, stop.Location);
                var arrival = time + service + m.Time(at, stop.Location);
                var start = Math.Max(arrival, stop.Ready);
                if (start > stop.Due + Tolerance)
                {
                    violations.Add(new(ViolationKind.LateService, route.Vehicle, s, $"{stop.Id} starts at {start:0.###} > due {stop.Due:0.###}"));
                }

                if (k < route.ServiceStarts.Count)
                {
                    var planned = route.ServiceStarts[k];
                    if (planned < start - Tolerance || planned > stop.Due + Tolerance || planned < stop.Ready - Tolerance)
                    {
                        violations.Add(new(ViolationKind.ScheduleMismatch, route.Vehicle, s, $"{stop.Id} planned at {planned:0.###}, earliest {start:0.###}"));
                    }
                }

                if (pickupOf.ContainsKey(s))
                {
                    load -= stop.Demand;
                }
                else if (deliveryOf.ContainsKey(s))
                {
                    load += stop.Demand;
                }
                else
                {
                    load -= stop.Demand;
                }

                if (load > vehicle.Capacity)
                {
                    violations.Add(new(ViolationKind.OverCapacity, route.Vehicle, s, $"carries {load} > {vehicle.Capacity} after {stop.Id}"));
                }

                time = start;
                service = stop.Service;
                at = stop.Location;
            }

            distance += m.Distance(at, vehicle.EndLocation);
            var back = time + service + m.Time(at, vehicle.EndLocation);
            if (back > vehicle.ShiftEnd + Tolerance)
            {
                violations.Add(new(ViolationKind.LateReturn, route.Vehicle, null, $"back at {back:0.###} > shift end {vehicle.ShiftEnd:0.###}"));
            }

            if (Math.Abs(distance - route.Distance) > Tolerance * Math.Max(1, distance))
            {
                violations.Add(new(ViolationKind.DistanceMismatch, route.Vehicle, null, $"reported {route.Distance:0.###}, is {distance:0.###}"));
            }

            total += distance;
        }

        var unassigned = new bool[stops.Count];
        foreach (var u in solution.Unassigned)
        {
            if (u.Stop < 0 || u.Stop >= stops.Count)
            {
                violations.Add(new(ViolationKind.UnknownStop, null, u.Stop, "unassigned"));
                continue;
            }

            if (seen[u.Stop] > 0 || unassigned[u.Stop])
            {
                violations.Add(new(ViolationKind.StopVisitedTwice, null, u.Stop, $"{stops[u.Stop].Id} is both planned and unassigned"));
            }

            unassigned[u.Stop] = true;
        }

        for (var s = 0; s < stops.Count; s++)
        {
            if (seen[s] == 0 && !unassigned[s])
            {
                violations.Add(new(ViolationKind.StopMissing, null, s, $"{stops[s].Id} is neither planned nor unassigned"));
            }
        }

        foreach (var pair in problem.Pairs)
        {
            var p = pair.Pickup;
            var d = pair.Delivery;
            if (unassigned[p] && unassigned[d])
            {
                continue;
            }

            if (routeOf[p] < 0 || routeOf[d] < 0 || routeOf[p] != routeOf[d])
            {
                violations.Add(new(ViolationKind.PairSplit, null, p, $"{stops[p].Id} and {stops[d].Id} are not on one route"));
            }
            else if (indexInRoute[p] > indexInRoute[d])
            {
                violations.Add(new(ViolationKind.DeliveryBeforePickup, solution.Routes[routeOf[p]].Vehicle, d, $"{stops[d].Id} before {stops[p].Id}"));
            }
        }

        if (Math.Abs(total - solution.Distance) > Tolerance * Math.Max(1, total))
        {
            violations.Add(new(ViolationKind.DistanceMismatch, null, null, $"total reported {solution.Distance:0.###}, is {total:0.###}"));
        }

        return new CheckReport(violations, total, used, solution.Unassigned.Count);
    }
}
