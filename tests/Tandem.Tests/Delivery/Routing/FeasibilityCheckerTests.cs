using Tandem.Delivery.Routing;
using Tandem.Delivery.Routing.Checking;

namespace Tandem.Tests.Delivery.Routing;

/// <summary>The referee must catch every kind of broken plan, on plans written by hand.</summary>
public sealed class FeasibilityCheckerTests
{
    // Depot at 0; stops on a line: s0 at x=10, s1 at x=20 (pickup), s2 at x=30 (its delivery), s3 at x=40.
    private static readonly RoutingProblem Line = new(
        "line",
        [new(0, 0), new(10, 0), new(20, 0), new(30, 0), new(40, 0)],
        [new Vehicle("a", 10, 0, 0, 0, 200), new Vehicle("b", 10, 0, 0, 0, 200)],
        [
            new Stop("s0", 1, 4, 0, 100, 5),
            new Stop("s1", 2, 3, 0, 100, 5),
            new Stop("s2", 3, 3, 0, 100, 5),
            new Stop("s3", 4, 4, 0, 100, 5),
        ],
        [new PickupDelivery(1, 2)],
        EuclideanTravelTimes.Instance);

    private static RoutingSolution Plan(params PlannedRoute[] routes) => Plan([], routes);

    private static RoutingSolution Plan(UnassignedStop[] unassigned, params PlannedRoute[] routes) =>
        new(routes, unassigned, routes.Sum(r => r.Distance), 0, TimeSpan.Zero);

    private static PlannedRoute Route(int vehicle, double distance, params int[] stops) => new(vehicle, stops, [], distance, 0);

    private static ViolationKind[] Kinds(RoutingSolution plan) =>
        [.. FeasibilityChecker.Check(Line, plan).Violations.Select(v => v.Kind).Distinct().Order()];

    [Fact]
    public void A_correct_plan_has_no_violations_and_its_distance_recomputed()
    {
        var report = FeasibilityChecker.Check(Line, Plan(Route(0, 80, 0, 1, 2, 3)));
        report.Violations.ShouldBeEmpty();
        report.IsFeasible.ShouldBeTrue();
        report.Distance.ShouldBe(80);
        report.VehiclesUsed.ShouldBe(1);
    }

    [Fact]
    public void Service_after_the_due_time_is_late()
    {
        var tight = new RoutingProblem("tight", Line.Locations, Line.Vehicles,
            [.. Line.Stops.Select((s, i) => i == 3 ? s with { Due = 39 } : s)], Line.Pairs, Line.Travel);
        var report = FeasibilityChecker.Check(tight, Plan(Route(0, 80, 0, 1, 2, 3)));
        report.Violations.ShouldHaveSingleItem().Kind.ShouldBe(ViolationKind.LateService);
        report.Violations[0].Stop.ShouldBe(3);
    }

    [Fact]
    public void Coming_back_after_the_shift_is_late()
    {
        var shortShift = new RoutingProblem("short", Line.Locations, [new Vehicle("a", 10, 0, 0, 0, 90)], Line.Stops, Line.Pairs, Line.Travel);
        FeasibilityChecker.Check(shortShift, Plan(Route(0, 80, 0, 1, 2, 3))).Violations.Select(v => v.Kind).ShouldBe([ViolationKind.LateReturn]);
    }

    [Fact]
    public void Carrying_more_than_the_capacity_is_caught_at_the_start_and_after_a_pickup()
    {
        var small = new RoutingProblem("small", Line.Locations, [new Vehicle("a", 7, 0, 0, 0, 200)], Line.Stops, Line.Pairs, Line.Travel);

        // Leaves with 8 (s0 + s3) > 7.
        var report = FeasibilityChecker.Check(small, Plan(Route(0, 80, 0, 1, 2, 3)));
        report.Violations.ShouldContain(v => v.Kind == ViolationKind.OverCapacity && v.Stop == null);

        // Without s3 it leaves with 4, picks up 3: 7 fits.
        FeasibilityChecker.Check(small, Plan([new UnassignedStop(3, UnassignedReason.NoCapacityLeft)], Route(0, 60, 0, 1, 2))).IsFeasible.ShouldBeTrue();

        var tiny = new RoutingProblem("tiny", Line.Locations, [new Vehicle("a", 6, 0, 0, 0, 200)], Line.Stops, Line.Pairs, Line.Travel);
        FeasibilityChecker.Check(tiny, Plan([new UnassignedStop(3, UnassignedReason.NoCapacityLeft)], Route(0, 60, 1, 0, 2)))
            .Violations.ShouldContain(v => v.Kind == ViolationKind.OverCapacity && v.Stop == 1);
    }

    [Fact]
    public void A_delivery_before_its_pickup_is_caught()
    {
        Kinds(Plan(Route(0, 100, 0, 2, 1, 3))).ShouldBe([ViolationKind.DeliveryBeforePickup]);
    }

    [Fact]
    public void A_pair_on_two_vehicles_or_half_unassigned_is_caught()
    {
        Kinds(Plan(Route(0, 80, 0, 1, 3), Route(1, 60, 2))).ShouldBe([ViolationKind.PairSplit]);
        Kinds(Plan([new UnassignedStop(2, UnassignedReason.NoCapacityLeft)], Route(0, 80, 0, 1, 3))).ShouldBe([ViolationKind.PairSplit]);
    }

    [Fact]
    public void Stops_missing_twice_or_unknown_are_caught()
    {
        Kinds(Plan(Route(0, 60, 0, 1, 2))).ShouldBe([ViolationKind.StopMissing]);
        Kinds(Plan(Route(0, 80, 0, 1, 2, 3), Route(1, 20, 0))).ShouldBe([ViolationKind.StopVisitedTwice]);
        Kinds(Plan([new UnassignedStop(3, UnassignedReason.Unreachable)], Route(0, 80, 0, 1, 2, 3))).ShouldBe([ViolationKind.StopVisitedTwice]);
        Kinds(Plan(Route(0, 80, 0, 1, 2, 3, 9))).ShouldContain(ViolationKind.UnknownStop);
    }

    [Fact]
    public void Unknown_or_reused_vehicles_are_caught()
    {
        Kinds(Plan(Route(5, 80, 0, 1, 2, 3))).ShouldContain(ViolationKind.UnknownVehicle);
        Kinds(Plan(Route(0, 20, 0), Route(0, 60, 1, 2, 3))).ShouldContain(ViolationKind.VehicleUsedTwice);
    }

    [Fact]
    public void A_wrong_distance_or_schedule_is_caught()
    {
        Kinds(Plan(Route(0, 79, 0, 1, 2, 3))).ShouldContain(ViolationKind.DistanceMismatch);

        // Planned to start s1 at 12, but it cannot be there before 10 + 5 + 10 = 25.
        var early = new PlannedRoute(0, [0, 1, 2, 3], [10, 12, 40, 55], 80, 0);
        Kinds(Plan(early)).ShouldBe([ViolationKind.ScheduleMismatch]);
    }
}
