using CsCheck;
using Tandem.Delivery.Routing;
using Tandem.Delivery.Routing.Checking;
using Tandem.Delivery.Routing.Zones;

namespace Tandem.Tests.Delivery.Routing;

/// <summary>
/// The solver's plans are judged by the independent checker; quality is a bound on the gap to the best-known
/// solution, never an exact objective. Iteration budgets keep these tests deterministic and fast.
/// </summary>
public sealed class RouteOptimizerTests
{
    private static readonly AlnsRouteOptimizer Optimizer = new();

    private static RoutingSolution SolveAndCheck(RoutingProblem problem, SolveOptions options)
    {
        var solution = Optimizer.Solve(problem, options, TestContext.Current.CancellationToken);
        var report = FeasibilityChecker.Check(problem, solution);
        report.Violations.ShouldBeEmpty($"{problem.Name}: {string.Join("; ", report.Violations.Take(5))}");
        return solution;
    }

    [Fact]
    public void Plans_for_random_small_problems_always_pass_the_checker()
    {
        // flags: bit 0 tight capacities, bit 1 road-like travel times (asymmetric, no triangle inequality).
        Gen.Select(Gen.Int[0, 1_000_000], Gen.Int[0, 10], Gen.Int[0, 6], Gen.Int[1, 4], Gen.Int[0, 3])
            .Sample((seed, singles, pairs, vehicles, flags) =>
            {
                var problem = RoutingFixtures.Random(seed, singles, pairs, vehicles, (flags & 1) != 0, (flags & 2) != 0);
                var solution = SolveAndCheck(problem, new SolveOptions(seed, MaxIterations: 60));

                // Every stop is planned or flagged; a pair is flagged as a whole.
                (solution.Routes.Sum(r => r.Stops.Count) + solution.Unassigned.Count).ShouldBe(problem.Stops.Count);
                foreach (var pair in problem.Pairs)
                {
                    solution.Unassigned.Any(u => u.Stop == pair.Pickup).ShouldBe(solution.Unassigned.Any(u => u.Stop == pair.Delivery));
                }
            }, iter: 100, threads: 1);
    }

    [Theory]
    [InlineData("C101", 500)]
    [InlineData("R101", 500)]
    [InlineData("RC201", 500)]
    public void Solomon_instances_come_within_8_percent_of_the_best_known_distance(string name, int iterations)
    {
        var problem = RoutingFixtures.Solomon(name);
        var solution = SolveAndCheck(problem, new SolveOptions(1, MaxIterations: iterations));
        solution.Unassigned.ShouldBeEmpty();
        var bks = RoutingFixtures.Bks("vrptw-BKS.json", name + "_distance");
        var gap = (solution.Distance - bks.Cost) / bks.Cost;
        gap.ShouldBeLessThanOrEqualTo(0.08, $"{name}: {solution.Distance:0.00} vs {bks.Cost}");
    }

    [Theory]
    [InlineData("lc101", 500)]
    [InlineData("lr201", 500)]
    public void Li_and_Lim_instances_keep_pairs_together_and_come_near_the_best_known_fleet_and_distance(string name, int iterations)
    {
        var problem = RoutingFixtures.LiLim(name);
        var solution = SolveAndCheck(problem, new SolveOptions(1, MaxIterations: iterations));
        solution.Unassigned.ShouldBeEmpty();
        var bks = RoutingFixtures.Bks("pdptw-BKS.json", name);
        solution.VehiclesUsed.ShouldBeLessThanOrEqualTo((int)Math.Ceiling(bks.Vehicles * 1.1));
        ((solution.Distance - bks.Cost) / bks.Cost).ShouldBeLessThanOrEqualTo(0.08);
    }

    [Fact]
    public void The_same_seed_and_iteration_budget_give_the_same_plan()
    {
        var problem = RoutingFixtures.Solomon("R101");
        var a = Optimizer.Solve(problem, new SolveOptions(7, MaxIterations: 400), TestContext.Current.CancellationToken);
        var b = Optimizer.Solve(problem, new SolveOptions(7, MaxIterations: 400), TestContext.Current.CancellationToken);
        a.Distance.ShouldBe(b.Distance);
        a.Iterations.ShouldBe(400);
        a.Routes.Count.ShouldBe(b.Routes.Count);
        for (var r = 0; r < a.Routes.Count; r++)
        {
            a.Routes[r].Vehicle.ShouldBe(b.Routes[r].Vehicle);
            a.Routes[r].Stops.ShouldBe(b.Routes[r].Stops);
        }
    }

    [Fact]
    public void A_stop_nobody_can_reach_in_its_window_is_flagged_never_served_late()
    {
        var baseProblem = RoutingFixtures.Random(42, 8, 2, 2, false);
        var stops = baseProblem.Stops.ToList();
        var far = baseProblem.Locations.Count;
        stops.Add(new Stop("too-early", far, 1, 0, 5, 0));
        var problem = new RoutingProblem("unreachable", [.. baseProblem.Locations, new Point(100, 100)], baseProblem.Vehicles, stops, baseProblem.Pairs, baseProblem.Travel);
        var solution = SolveAndCheck(problem, new SolveOptions(1, MaxIterations: 100));
        solution.Unassigned.ShouldContain(new UnassignedStop(stops.Count - 1, UnassignedReason.Unreachable));
    }

    [Fact]
    public void When_the_fleet_is_too_small_the_rest_is_flagged_as_no_capacity_left()
    {
        var locations = new List<Point> { new(0, 0) };
        var stops = new List<Stop>();
        for (var i = 0; i < 6; i++)
        {
            locations.Add(new Point(i + 1, 1));
            stops.Add(new Stop($"s{i}", i + 1, 4, 0, 1000, 1));
        }

        var problem = new RoutingProblem("small-fleet", locations, [new Vehicle("only", 10, 0, 0, 0, 1000)], stops, [], EuclideanTravelTimes.Instance);
        var solution = SolveAndCheck(problem, new SolveOptions(1, MaxIterations: 50));
        solution.Routes.ShouldHaveSingleItem().Stops.Count.ShouldBe(2);
        solution.Unassigned.Count.ShouldBe(4);
        solution.Unassigned.ShouldAllBe(u => u.Reason == UnassignedReason.NoCapacityLeft);
    }

    [Fact]
    public void Without_couriers_every_stop_is_flagged_at_once()
    {
        var baseProblem = RoutingFixtures.Random(5, 4, 2, 1, false);
        var problem = new RoutingProblem("no-fleet", baseProblem.Locations, [], baseProblem.Stops, baseProblem.Pairs, baseProblem.Travel);
        var solution = SolveAndCheck(problem, new SolveOptions(1, TimeLimit: TimeSpan.FromSeconds(30)));
        solution.Routes.ShouldBeEmpty();
        solution.Unassigned.Count.ShouldBe(problem.Stops.Count);
        solution.Unassigned.ShouldAllBe(u => u.Reason == UnassignedReason.Unreachable);
        solution.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_time_budget_returns_the_best_plan_so_far_in_time()
    {
        var problem = RoutingFixtures.Solomon("R101");
        var solution = SolveAndCheck(problem, new SolveOptions(1, TimeLimit: TimeSpan.FromMilliseconds(150)));
        solution.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
        solution.Unassigned.ShouldBeEmpty();
    }

    [Fact]
    public void A_cancelled_search_still_returns_its_feasible_construction()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var problem = RoutingFixtures.Solomon("C101");
        var solution = Optimizer.Solve(problem, new SolveOptions(1, MaxIterations: 1_000_000), cts.Token);
        FeasibilityChecker.Check(problem, solution).IsFeasible.ShouldBeTrue();
        solution.Unassigned.ShouldBeEmpty();
    }

    [Fact]
    public void Haversine_travel_times_use_the_road_factor_and_the_vehicle_speed()
    {
        // 0.01° of latitude ≈ 1.112 km; × 1.3 road factor; a bicycle at 15 km/h.
        var m = new HaversineTravelTimes(1.3).Build([new Point(120.15, 30.27), new Point(120.15, 30.28)], TravelProfiles.Bicycle);
        m.Distance(0, 1).ShouldBe(1.112 * 1300, 2);
        m.Time(0, 1).ShouldBe(m.Distance(0, 1) / (15 / 3.6), 1e-9);
        m.Distance(1, 1).ShouldBe(0);
    }

    [Fact]
    public void Large_problems_split_into_geographic_zones_that_keep_pairs_whole()
    {
        // Two towns 1000 apart, each with its own depot and couriers.
        var rng = new Random(3);
        var locations = new List<Point> { new(0, 0), new(1000, 0) };
        var vehicles = new List<Vehicle>();
        for (var v = 0; v < 6; v++)
        {
            vehicles.Add(new Vehicle($"v{v}", 30, v % 2, v % 2, 0, 5000));
        }

        var stops = new List<Stop>();
        var pairs = new List<PickupDelivery>();
        for (var i = 0; i < 40; i++)
        {
            var town = i % 2 * 1000;
            locations.Add(new Point(town + rng.Next(-50, 51), rng.Next(-50, 51)));
            locations.Add(new Point(town + rng.Next(-50, 51), rng.Next(-50, 51)));
            pairs.Add(new PickupDelivery(stops.Count, stops.Count + 1));
            stops.Add(new Stop($"p{i}", locations.Count - 2, 2, 0, 3000, 5));
            stops.Add(new Stop($"d{i}", locations.Count - 1, 2, 0, 4000, 5));
        }

        var problem = new RoutingProblem("two-towns", locations, vehicles, stops, pairs, EuclideanTravelTimes.Instance);
        var zones = ZoneSplitter.Split(problem, 2);
        zones.Count.ShouldBe(2);
        zones.Sum(z => z.Stops.Count).ShouldBe(80);
        foreach (var zone in zones)
        {
            // A zone holds one town's stops and its couriers, and whole pairs.
            zone.Stops.Select(s => problem.Locations[problem.Stops[s].Location].X > 500).Distinct().ShouldHaveSingleItem();
            zone.Vehicles.Count.ShouldBe(3);
            zone.Problem.Pairs.Count.ShouldBe(zone.Stops.Count / 2);
        }

        var solution = new ZonedRouteOptimizer(Optimizer, maxStopsPerZone: 40).Solve(problem, new SolveOptions(1, MaxIterations: 200), TestContext.Current.CancellationToken);
        FeasibilityChecker.Check(problem, solution).Violations.ShouldBeEmpty();
        solution.Unassigned.ShouldBeEmpty();
    }
}
