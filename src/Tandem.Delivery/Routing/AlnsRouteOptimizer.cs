using System.Diagnostics;
using Tandem.Delivery.Routing.Solver;

namespace Tandem.Delivery.Routing;

/// <summary>
/// Tandem's route optimiser: regret insertion, route elimination for vehicle-first objectives, then adaptive large
/// neighbourhood search (string, random, worst and related removal; greedy-with-blinks and regret-2/3 reinsertion)
/// under simulated-annealing acceptance, with relocate / exchange / 2-opt* local search on each new best.
/// Time windows, capacities and pickup-before-delivery are hard constraints; a stop that cannot be served is returned
/// as unassigned. Deterministic for a seed and an iteration budget. See docs/decisions/0009-route-solver.md.
/// </summary>
internal sealed class AlnsRouteOptimizer : IRouteOptimizer
{
    /// <summary>Start temperature, as a multiple of the mean nearest-neighbour distance.</summary>
    public double StartTemperature { get; init; } = 10;

    /// <summary>End temperature, as a multiple of the mean nearest-neighbour distance.</summary>
    public double EndTemperature { get; init; } = 0.1;

    public RoutingSolution Solve(RoutingProblem problem, SolveOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var inst = new Instance(problem);
        var search = new Search(inst, options, clock, cancellationToken)
        {
            StartTemperature = StartTemperature,
            EndTemperature = EndTemperature,
        };
        var best = search.Run();
        return Export(inst, best, search.Unreachable, search.Iterations, clock.Elapsed);
    }

    private static RoutingSolution Export(Instance inst, Solution best, List<int> unreachable, long iterations, TimeSpan elapsed)
    {
        var routes = new List<PlannedRoute>();
        var total = 0.0;
        foreach (var route in best.Routes)
        {
            if (route.IsEmpty)
            {
                continue;
            }

            var stops = new int[route.StopCount];
            var starts = new double[route.StopCount];
            for (var k = 1; k < route.Count - 1; k++)
            {
                stops[k - 1] = route.Nodes[k];
                starts[k - 1] = route.Start[k];
            }

            var duration = route.Start[route.Count - 1] - route.Start[0];
            routes.Add(new PlannedRoute(route.Vehicle, stops, starts, route.Distance, duration));
            total += route.Distance;
        }

        var unassigned = new List<UnassignedStop>();
        void Add(int job, UnassignedReason reason)
        {
            unassigned.Add(new UnassignedStop(inst.JobFirst[job], reason));
            if (inst.JobSecond[job] >= 0)
            {
                unassigned.Add(new UnassignedStop(inst.JobSecond[job], reason));
            }
        }

        foreach (var job in unreachable)
        {
            Add(job, UnassignedReason.Unreachable);
        }

        foreach (var job in best.Unassigned)
        {
            Add(job, UnassignedReason.NoCapacityLeft);
        }

        unassigned.Sort((x, y) => x.Stop.CompareTo(y.Stop));
        return new RoutingSolution(routes, unassigned, total, iterations, elapsed);
    }
}
