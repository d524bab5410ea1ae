using Tandem.Delivery.Routing;
using Tandem.Delivery.Routing.Formats;

namespace Tandem.Tests.Delivery.Routing;

public sealed class BenchmarkFormatTests
{
    [Fact]
    public void A_Solomon_file_reads_as_stops_a_depot_and_an_identical_fleet()
    {
        var p = RoutingFixtures.Solomon("C101");
        p.Name.ShouldBe("C101");
        p.Stops.Count.ShouldBe(100);
        p.Vehicles.Count.ShouldBe(25);
        p.Vehicles.ShouldAllBe(v => v.Capacity == 200 && v.StartLocation == 0 && v.EndLocation == 0 && v.ShiftStart == 0 && v.ShiftEnd == 1236);
        p.Locations[0].ShouldBe(new Point(40, 50));
        p.Stops[0].ShouldBe(new Stop("1", 1, 10, 912, 967, 90));
        p.Stops[99].Id.ShouldBe("100");
        p.Pairs.ShouldBeEmpty();
        p.Objective.ShouldBe(RoutingObjective.Distance);
    }

    [Fact]
    public void A_Li_and_Lim_file_reads_as_pickup_delivery_pairs()
    {
        var p = RoutingFixtures.LiLim("lc101");
        p.Stops.Count.ShouldBe(106);
        p.Pairs.Count.ShouldBe(53);
        p.Vehicles.Count.ShouldBe(25);
        p.Vehicles[0].Capacity.ShouldBe(200);
        p.Objective.ShouldBe(RoutingObjective.VehiclesThenDistance);

        // Row 3 is a pickup of 10 delivered at node 75; row 1 is the delivery of node 11's pickup.
        p.Pairs.ShouldContain(new PickupDelivery(2, 74));
        p.Pairs.ShouldContain(new PickupDelivery(10, 0));
        p.Stops[0].Demand.ShouldBe(10);
        p.Stops[2].Demand.ShouldBe(10);
    }

    [Fact]
    public void Best_known_records_pick_the_distance_record_for_a_distance_objective()
    {
        var records = BestKnownSolutions.Read(RoutingFixtures.InstancePath("vrptw-BKS.json"));
        BestKnownSolutions.For(records, "R101", RoutingObjective.Distance)!.Cost.ShouldBe(1642.88);
        BestKnownSolutions.For(records, "R101", RoutingObjective.VehiclesThenDistance)!.Vehicles.ShouldBe(19);
        BestKnownSolutions.For(records, "X999", RoutingObjective.Distance).ShouldBeNull();
        RoutingFixtures.Bks("pdptw-BKS.json", "lc101").ShouldBe(new BestKnown(828.94, 10, "li_lim_100"));
    }

    [Fact]
    public void Text_that_is_not_an_instance_is_refused()
    {
        Should.Throw<FormatException>(() => SolomonFormat.Parse("hello\nworld", "x"));
        Should.Throw<FormatException>(() => LiLimFormat.Parse("25 200 1\n0 40 50 0 0 1236 0 0 0\n1 45 68 -10 912 967 90 0 0\n", "x"));
    }
}
