using System.Diagnostics;
using Google.OrTools.ConstraintSolver;
using Google.Protobuf.WellKnownTypes;
using Tandem.Delivery.Routing;

namespace Tandem.Bench.Routing;

/// <summary>
/// Google OR-Tools' routing solver on the same problem: parallel cheapest insertion, then guided local search, for a
/// time budget. Times are scaled by 1000 and rounded UP per arc, so a plan it finds is also on time in exact arithmetic;
/// distances are reported in double precision from the problem's own matrix. The benchmark's baseline, nothing more.
/// </summary>
internal sealed class OrToolsBaseline : IRouteOptimizer
{
    private const long Scale = 1000;

    public RoutingSolution Solve(RoutingProblem problem, SolveOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var stops = problem.Stops;
        var s = stops.Count;

        // OR-Tools nodes: stops, then one node per distinct depot location.
        var nodeLocation = new List<int>(stops.Select(x => x.Location));
        var depotNode = new Dictionary<int, int>();
        int DepotNode(int location)
        {
            if (!depotNode.TryGetValue(location, out var node))
            {
                node = nodeLocation.Count;
                nodeLocation.Add(location);
                depotNode[location] = node;
            }

            return node;
        }

        var vehicles = problem.Vehicles;
        var starts = vehicles.Select(v => DepotNode(v.StartLocation)).ToArray();
        var ends = vehicles.Select(v => DepotNode(v.EndLocation)).ToArray();
        var n = nodeLocation.Count;
        var profiles = vehicles.Select(v => v.Profile).Distinct(StringComparer.Ordinal).ToList();
        var matrices = profiles.ToDictionary(p => p, p => problem.Travel.Build(problem.Locations, p), StringComparer.Ordinal);

        using var manager = new RoutingIndexManager(n, vehicles.Count, starts, ends);
        using var routing = new RoutingModel(manager);
        var solver = routing.solver();

        var service = new double[n];
        for (var i = 0; i < s; i++)
        {
            service[i] = stops[i].Service;
        }

        var distCallbacks = new Dictionary<string, int>(StringComparer.Ordinal);
        var timeCallbacks = new Dictionary<string, int>(StringComparer.Ordinal);
        var keep = new List<object>(); // callbacks must outlive the solve
        foreach (var p in profiles)
        {
            var m = matrices[p];
            var dist = new long[n * n];
            var time = new long[n * n];
            for (var a = 0; a < n; a++)
            {
                for (var b = 0; b < n; b++)
                {
                    dist[a * n + b] = (long)Math.Round(m.Distance(nodeLocation[a], nodeLocation[b]) * Scale);
                    time[a * n + b] = (long)Math.Ceiling((service[a] + m.Time(nodeLocation[a], nodeLocation[b])) * Scale - 1e-6);
                }
            }

            LongLongToLong distCb = (from, to) => dist[manager.IndexToNode(from) * n + manager.IndexToNode(to)];
            LongLongToLong timeCb = (from, to) => time[manager.IndexToNode(from) * n + manager.IndexToNode(to)];
            keep.Add(distCb);
            keep.Add(timeCb);
            distCallbacks[p] = routing.RegisterTransitCallback(distCb);
            timeCallbacks[p] = routing.RegisterTransitCallback(timeCb);
        }

        for (var v = 0; v < vehicles.Count; v++)
        {
            routing.SetArcCostEvaluatorOfVehicle(distCallbacks[vehicles[v].Profile], v);
        }

        var horizon = (long)Math.Ceiling(Math.Max(vehicles.Max(v => v.ShiftEnd), stops.Count == 0 ? 0 : stops.Max(x => x.Due)) * Scale) + 1;
        var timeTransits = vehicles.Select(v => timeCallbacks[v.Profile]).ToArray();
        routing.AddDimensionWithVehicleTransits(timeTransits, horizon, horizon, false, "Time");
        var timeDim = routing.GetMutableDimension("Time");
        for (var i = 0; i < s; i++)
        {
            var index = manager.NodeToIndex(i);
            timeDim.CumulVar(index).SetRange((long)Math.Ceiling(stops[i].Ready * Scale - 1e-6), (long)Math.Floor(stops[i].Due * Scale + 1e-6));
        }

        for (var v = 0; v < vehicles.Count; v++)
        {
            var lo = (long)Math.Ceiling(vehicles[v].ShiftStart * Scale - 1e-6);
            var hi = (long)Math.Floor(vehicles[v].ShiftEnd * Scale + 1e-6);
            timeDim.CumulVar(routing.Start(v)).SetRange(lo, hi);
            timeDim.CumulVar(routing.End(v)).SetRange(lo, hi);
        }

        // Loads: a single stop is loaded at the depot (counted as negative from a full start is awkward), so model
        // the load as "still to do": pickups +q, deliveries −q, single stops +q with a capacity on the total.
        var isPickup = new bool[s];
        var isDelivery = new bool[s];
        foreach (var pair in problem.Pairs)
        {
            isPickup[pair.Pickup] = true;
            isDelivery[pair.Delivery] = true;
        }

        var hasSingles = Enumerable.Range(0, s).Any(i => !isPickup[i] && !isDelivery[i]);
        var demand = new long[n];
        for (var i = 0; i < s; i++)
        {
            demand[i] = isDelivery[i] ? -stops[i].Demand : stops[i].Demand;
        }

        LongToLong demandCb = from => demand[manager.IndexToNode(from)];
        keep.Add(demandCb);
        var demandIndex = routing.RegisterUnaryTransitCallback(demandCb);
        routing.AddDimensionWithVehicleCapacity(demandIndex, 0, vehicles.Select(v => (long)v.Capacity).ToArray(), true, "Load");
        if (hasSingles && problem.Pairs.Count > 0)
        {
            throw new NotSupportedException("The OR-Tools baseline models either single deliveries or pickup-delivery pairs, not both.");
        }

        foreach (var pair in problem.Pairs)
        {
            var p = manager.NodeToIndex(pair.Pickup);
            var d = manager.NodeToIndex(pair.Delivery);
            routing.AddPickupAndDelivery(p, d);
            solver.Add(solver.MakeEquality(routing.VehicleVar(p), routing.VehicleVar(d)));
            solver.Add(solver.MakeLessOrEqual(timeDim.CumulVar(p), timeDim.CumulVar(d)));
        }

        var allowDrops = problem.Objective == RoutingObjective.Distance && problem.Pairs.Count > 0;
        if (allowDrops)
        {
            // Tandem-shaped problems may have orders nobody can serve in time: let OR-Tools drop them at a high price.
            const long penalty = 100_000_000_000;
            foreach (var pair in problem.Pairs)
            {
                routing.AddDisjunction([manager.NodeToIndex(pair.Pickup), manager.NodeToIndex(pair.Delivery)], penalty, 2);
            }
        }

        if (problem.Objective == RoutingObjective.VehiclesThenDistance)
        {
            routing.SetFixedCostOfAllVehicles(100_000 * Scale);
        }

        var parameters = operations_research_constraint_solver.DefaultRoutingSearchParameters();
        parameters.FirstSolutionStrategy = FirstSolutionStrategy.Types.Value.ParallelCheapestInsertion;
        parameters.LocalSearchMetaheuristic = LocalSearchMetaheuristic.Types.Value.GuidedLocalSearch;
        var limit = options.TimeLimit ?? TimeSpan.FromSeconds(1);
        var remaining = limit - clock.Elapsed;
        if (remaining < TimeSpan.FromMilliseconds(10))
        {
            remaining = TimeSpan.FromMilliseconds(10);
        }

        parameters.TimeLimit = Duration.FromTimeSpan(remaining);
        var solution = routing.SolveWithParameters(parameters);
        GC.KeepAlive(keep);
        if (solution is null)
        {
            return new RoutingSolution([], Enumerable.Range(0, s).Select(i => new UnassignedStop(i, UnassignedReason.NoCapacityLeft)).ToList(), 0, 0, clock.Elapsed);
        }

        var routes = new List<PlannedRoute>();
        var served = new bool[s];
        var total = 0.0;
        for (var v = 0; v < vehicles.Count; v++)
        {
            var m = matrices[vehicles[v].Profile];
            var seq = new List<int>();
            var startsAt = new List<double>();
            var index = solution.Value(routing.NextVar(routing.Start(v)));
            while (!routing.IsEnd(index))
            {
                var node = manager.IndexToNode(index);
                seq.Add(node);
                served[node] = true;
                index = solution.Value(routing.NextVar(index));
            }

            if (seq.Count == 0)
            {
                continue;
            }

            // Report service starts and distance in exact arithmetic from the sequence.
            var at = vehicles[v].StartLocation;
            var t = vehicles[v].ShiftStart;
            var svc = 0.0;
            var dist = 0.0;
            foreach (var node in seq)
            {
                var stop = stops[node];
                dist += m.Distance(at, stop.Location);
                t = Math.Max(stop.Ready, t + svc + m.Time(at, stop.Location));
                startsAt.Add(t);
                svc = stop.Service;
                at = stop.Location;
            }

            dist += m.Distance(at, vehicles[v].EndLocation);
            routes.Add(new PlannedRoute(v, seq, startsAt, dist, t + svc + m.Time(at, vehicles[v].EndLocation) - vehicles[v].ShiftStart));
            total += dist;
        }

        var unassigned = Enumerable.Range(0, s).Where(i => !served[i]).Select(i => new UnassignedStop(i, UnassignedReason.NoCapacityLeft)).ToList();
        return new RoutingSolution(routes, unassigned, total, 0, clock.Elapsed);
    }
}
