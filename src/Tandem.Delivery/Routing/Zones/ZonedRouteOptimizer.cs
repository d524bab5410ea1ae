namespace Tandem.Delivery.Routing.Zones;

/// <summary>A part of a problem: its own small problem plus the maps back to the original stop and vehicle indexes.</summary>
internal sealed record Zone(RoutingProblem Problem, IReadOnlyList<int> Stops, IReadOnlyList<int> Vehicles);

/// <summary>
/// Splits a large problem into geographic zones: k-means over the jobs (a pickup-delivery pair sits at its midpoint, so a
/// pair never straddles zones), farthest-point start so the result is deterministic, then each vehicle goes to the
/// nearest zone that still needs vehicles (vehicles shared out in proportion to the zone's jobs).
/// </summary>
internal static class ZoneSplitter
{
    public static IReadOnlyList<Zone> Split(RoutingProblem problem, int zoneCount)
    {
        var stops = problem.Stops;
        var partner = new int[stops.Count];
        Array.Fill(partner, -1);
        foreach (var p in problem.Pairs)
        {
            partner[p.Pickup] = p.Delivery;
            partner[p.Delivery] = p.Pickup;
        }

        // Jobs: a single stop, or a pair keyed by its pickup.
        var jobs = new List<int>();
        var jobPoint = new List<Point>();
        var isDelivery = new bool[stops.Count];
        foreach (var p in problem.Pairs)
        {
            isDelivery[p.Delivery] = true;
        }

        for (var s = 0; s < stops.Count; s++)
        {
            if (isDelivery[s])
            {
                continue;
            }

            var a = problem.Locations[stops[s].Location];
            if (partner[s] >= 0)
            {
                var b = problem.Locations[stops[partner[s]].Location];
                a = new Point((a.X + b.X) / 2, (a.Y + b.Y) / 2);
            }

            jobs.Add(s);
            jobPoint.Add(a);
        }

        var k = Math.Clamp(zoneCount, 1, Math.Max(1, Math.Min(jobs.Count, problem.Vehicles.Count)));
        var centres = FarthestPoints(jobPoint, k);
        var zoneOf = new int[jobs.Count];
        for (var round = 0; round < 20; round++)
        {
            var changed = false;
            for (var j = 0; j < jobs.Count; j++)
            {
                var z = Nearest(centres, jobPoint[j]);
                changed |= z != zoneOf[j];
                zoneOf[j] = z;
            }

            var sx = new double[k];
            var sy = new double[k];
            var n = new int[k];
            for (var j = 0; j < jobs.Count; j++)
            {
                sx[zoneOf[j]] += jobPoint[j].X;
                sy[zoneOf[j]] += jobPoint[j].Y;
                n[zoneOf[j]]++;
            }

            for (var z = 0; z < k; z++)
            {
                if (n[z] > 0)
                {
                    centres[z] = new Point(sx[z] / n[z], sy[z] / n[z]);
                }
            }

            if (!changed && round > 0)
            {
                break;
            }
        }

        // Vehicles in proportion to jobs, each to the nearest zone with room.
        var jobCount = new int[k];
        foreach (var z in zoneOf)
        {
            jobCount[z]++;
        }

        var quota = new int[k];
        var vehicles = problem.Vehicles.Count;
        var given = 0;
        for (var z = 0; z < k; z++)
        {
            quota[z] = jobs.Count == 0 ? 0 : Math.Max(jobCount[z] > 0 ? 1 : 0, vehicles * jobCount[z] / jobs.Count);
            given += quota[z];
        }

        for (var z = 0; given < vehicles; z = (z + 1) % k)
        {
            quota[z]++;
            given++;
        }

        var vehicleZone = new int[vehicles];
        var options = new List<(double Distance, int Vehicle, int Zone)>();
        for (var v = 0; v < vehicles; v++)
        {
            var at = problem.Locations[problem.Vehicles[v].StartLocation];
            for (var z = 0; z < k; z++)
            {
                options.Add((Distance(at, centres[z]), v, z));
            }
        }

        options.Sort();
        Array.Fill(vehicleZone, -1);
        foreach (var (_, v, z) in options)
        {
            if (vehicleZone[v] < 0 && quota[z] > 0)
            {
                vehicleZone[v] = z;
                quota[z]--;
            }
        }

        var zones = new List<Zone>(k);
        for (var z = 0; z < k; z++)
        {
            var zoneStops = new List<int>();
            for (var j = 0; j < jobs.Count; j++)
            {
                if (zoneOf[j] == z)
                {
                    zoneStops.Add(jobs[j]);
                    if (partner[jobs[j]] >= 0)
                    {
                        zoneStops.Add(partner[jobs[j]]);
                    }
                }
            }

            zoneStops.Sort();
            var zoneVehicles = new List<int>();
            for (var v = 0; v < vehicles; v++)
            {
                if (vehicleZone[v] == z)
                {
                    zoneVehicles.Add(v);
                }
            }

            zones.Add(new Zone(SubProblem(problem, z, zoneStops, zoneVehicles), zoneStops, zoneVehicles));
        }

        return zones;
    }

    private static RoutingProblem SubProblem(RoutingProblem problem, int z, List<int> zoneStops, List<int> zoneVehicles)
    {
        var locationMap = new Dictionary<int, int>();
        var locations = new List<Point>();
        int Map(int location)
        {
            if (!locationMap.TryGetValue(location, out var m))
            {
                m = locations.Count;
                locations.Add(problem.Locations[location]);
                locationMap[location] = m;
            }

            return m;
        }

        var stopMap = new Dictionary<int, int>();
        var stops = new List<Stop>(zoneStops.Count);
        foreach (var s in zoneStops)
        {
            stopMap[s] = stops.Count;
            var stop = problem.Stops[s];
            stops.Add(stop with { Location = Map(stop.Location) });
        }

        var vehicles = zoneVehicles
            .Select(v => problem.Vehicles[v])
            .Select(v => v with { StartLocation = Map(v.StartLocation), EndLocation = Map(v.EndLocation) })
            .ToList();
        var pairs = problem.Pairs
            .Where(p => stopMap.ContainsKey(p.Pickup))
            .Select(p => new PickupDelivery(stopMap[p.Pickup], stopMap[p.Delivery]))
            .ToList();
        return new RoutingProblem($"{problem.Name}#zone{z + 1}", locations, vehicles, stops, pairs, problem.Travel, problem.Objective);
    }

    private static Point[] FarthestPoints(List<Point> points, int k)
    {
        var centres = new Point[k];
        if (points.Count == 0)
        {
            return centres;
        }

        // Start from the point farthest from the centroid, then repeatedly the point farthest from all chosen.
        var cx = points.Average(p => p.X);
        var cy = points.Average(p => p.Y);
        var first = 0;
        for (var i = 1; i < points.Count; i++)
        {
            if (Distance(points[i], new Point(cx, cy)) > Distance(points[first], new Point(cx, cy)))
            {
                first = i;
            }
        }

        centres[0] = points[first];
        var nearest = points.Select(p => Distance(p, centres[0])).ToArray();
        for (var c = 1; c < k; c++)
        {
            var far = 0;
            for (var i = 1; i < points.Count; i++)
            {
                if (nearest[i] > nearest[far])
                {
                    far = i;
                }
            }

            centres[c] = points[far];
            for (var i = 0; i < points.Count; i++)
            {
                nearest[i] = Math.Min(nearest[i], Distance(points[i], centres[c]));
            }
        }

        return centres;
    }

    private static int Nearest(Point[] centres, Point p)
    {
        var best = 0;
        for (var z = 1; z < centres.Length; z++)
        {
            if (Distance(p, centres[z]) < Distance(p, centres[best]))
            {
                best = z;
            }
        }

        return best;
    }

    private static double Distance(Point a, Point b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}

/// <summary>
/// Solves large problems zone by zone with an inner optimiser (sequentially, so the result stays deterministic), each
/// zone getting a share of the budget proportional to its stops, and merges the plans. Small problems go straight through.
/// </summary>
internal sealed class ZonedRouteOptimizer(IRouteOptimizer inner, int maxStopsPerZone = 400) : IRouteOptimizer
{
    public RoutingSolution Solve(RoutingProblem problem, SolveOptions options, CancellationToken cancellationToken = default)
    {
        if (problem.Stops.Count <= maxStopsPerZone)
        {
            return inner.Solve(problem, options, cancellationToken);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var zones = ZoneSplitter.Split(problem, (problem.Stops.Count + maxStopsPerZone - 1) / maxStopsPerZone);
        var routes = new List<PlannedRoute>();
        var unassigned = new List<UnassignedStop>();
        var total = 0.0;
        var iterations = 0L;
        foreach (var zone in zones)
        {
            var share = (double)zone.Stops.Count / problem.Stops.Count;
            var zoneOptions = options with
            {
                MaxIterations = options.MaxIterations is { } it ? Math.Max(1, (long)(it * share)) : null,
                TimeLimit = options.TimeLimit is { } t ? t * share : null,
            };
            RoutingSolution part;
            if (zone.Problem.Vehicles.Count == 0)
            {
                part = new RoutingSolution([], [.. Enumerable.Range(0, zone.Stops.Count).Select(s => new UnassignedStop(s, UnassignedReason.NoCapacityLeft))], 0, 0, TimeSpan.Zero);
            }
            else
            {
                part = inner.Solve(zone.Problem, zoneOptions, cancellationToken);
            }

            foreach (var r in part.Routes)
            {
                routes.Add(r with { Vehicle = zone.Vehicles[r.Vehicle], Stops = [.. r.Stops.Select(s => zone.Stops[s])] });
                total += r.Distance;
            }

            unassigned.AddRange(part.Unassigned.Select(u => u with { Stop = zone.Stops[u.Stop] }));
            iterations += part.Iterations;
        }

        unassigned.Sort((a, b) => a.Stop.CompareTo(b.Stop));
        return new RoutingSolution(routes, unassigned, total, iterations, clock.Elapsed);
    }
}
