using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Delivery.Contracts;
using Tandem.Delivery.Couriers;
using Tandem.Delivery.Jobs;
using Tandem.Delivery.Routing;
using Tandem.Delivery.Routing.Checking;
using Tandem.Delivery.Tracking;
using Tandem.Kernel;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;

namespace Tandem.Delivery.Dispatch;

/// <summary>What one batch did.</summary>
internal sealed record DispatchResult(int Jobs, int Couriers, int Assigned, int Flagged, double Distance, long Iterations, TimeSpan Elapsed)
{
    public static readonly DispatchResult Nothing = new(0, 0, 0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Another host holds the dispatch lease: this host did not plan.</summary>
    public bool Skipped { get; init; }

    /// <summary>Travel times the road network should have given but did not (estimated in a straight line instead).</summary>
    public int EstimatedTravel { get; init; }
}

/// <summary>The problem one carrier's part of a batch solved and the plan it applied, for checking with the independent feasibility checker.</summary>
internal sealed record CarrierPlan(Guid? CarrierId, RoutingProblem Problem, RoutingSolution Solution, DispatchResult Result);

/// <summary>What a batch solved: one plan per carrier that had jobs to plan and couriers on shift.</summary>
internal sealed record DispatchPlan(IReadOnlyList<CarrierPlan> Carriers, DispatchResult Result);

/// <summary>
/// One dispatch batch. Open jobs and on-shift couriers become a pickup-and-delivery problem with time windows (in
/// seconds from now) and capacities, solved by <see cref="IRouteOptimizer"/> within a small budget. What a courier
/// already carries, and what a dispatcher gave them by hand, is planned first in a fixed order; the solver plans the rest
/// from where and when that leaves the courier. A job no courier can serve in its window is flagged, never planned late;
/// a job whose window has already passed is still planned (as soon as possible) and flagged <c>late</c>.
/// Each carrier is planned apart: a delivery company's jobs only with its riders, the jobs of stores without a carrier
/// only with the platform's independent couriers. Routes still join several merchants' stores within one carrier.
/// </summary>
internal sealed class DispatchPlanner(
    TandemDbContext db, IRouteOptimizer optimizer, Outbox outbox, DeliveryFeed feed, IOptions<DeliveryOptions> options,
    TimeProvider clock, ILogger<DispatchPlanner> logger, ITravelTimeSource travelTimes)
{
    private DeliveryOptions Settings => options.Value;

    public async Task<DispatchPlan?> PlanAsync(SolveOptions? solve, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var jobs = await db.Set<DeliveryJob>().Where(j => DeliveryJob.Active.Contains(j.Status)).ToListAsync(ct);
        if (jobs.Count == 0)
        {
            return null;
        }

        var couriers = await db.Set<Courier>().AsNoTracking().Where(c => c.OnShift && c.Capacity > 0).ToListAsync(ct);
        // One travel table for the whole batch (one road-network call), shared by every carrier's problem.
        var travel = await travelTimes.TableAsync(Places(jobs, couriers), couriers.Select(c => c.Vehicle).Distinct().ToList(), ct);
        var changed = new List<DeliveryJob>();
        var plans = new List<CarrierPlan>();
        var flagged = 0;
        foreach (var carrier in jobs.GroupBy(j => j.CarrierId))
        {
            var (plan, carrierFlags) = await PlanCarrierAsync(carrier.Key, carrier.ToList(), couriers.Where(c => c.CompanyId == carrier.Key).ToList(),
                travel, now, solve, changed, ct);
            flagged += carrierFlags;
            if (plan is not null)
            {
                plans.Add(plan);
            }
        }

        await SaveAsync(changed, now, ct);
        return plans.Count == 0 ? null : new DispatchPlan(plans, new DispatchResult(
            plans.Sum(p => p.Result.Jobs), plans.Sum(p => p.Result.Couriers), plans.Sum(p => p.Result.Assigned), flagged,
            plans.Sum(p => p.Result.Distance), plans.Sum(p => p.Result.Iterations), TimeSpan.FromTicks(plans.Sum(p => p.Result.Elapsed.Ticks)))
        {
            EstimatedTravel = travel.Estimated,
        });
    }

    /// <summary>One carrier's jobs with that carrier's couriers; changes are collected in <paramref name="changed"/> and saved once per batch.</summary>
    private async Task<(CarrierPlan? Plan, int Flagged)> PlanCarrierAsync(
        Guid? carrierId, List<DeliveryJob> jobs, List<Courier> couriers, TravelTable travel, DateTime now, SolveOptions? solve, List<DeliveryJob> changed,
        CancellationToken ct)
    {
        var service = Settings.StopMinutes * 60;
        var horizon = Settings.PlanningHorizon.TotalSeconds;
        var flagged = 0;

        // 1. Fixed part of each courier's day: goods on board, then hand-assigned jobs, in window order.
        var starts = new Dictionary<Guid, (GeoPoint At, double Time)>();
        var onShift = couriers.ToDictionary(c => c.UserId);
        foreach (var courier in couriers)
        {
            var position = courier is { LastLat: { } lat, LastLng: { } lng } ? new GeoPoint(lat, lng)
                : jobs.FirstOrDefault(j => j.CourierId == courier.UserId)?.Store
                  ?? jobs.OrderBy(j => j.WindowEnd).First().Store;
            var time = 0.0;
            foreach (var job in jobs.Where(j => j.CourierId == courier.UserId && j.Status == JobStatus.PickedUp).OrderBy(j => j.WindowEnd))
            {
                time += Seconds(travel, position, job.Destination, courier.Vehicle);
                position = job.Destination;
                Plan(job, courier.UserId, null, now.AddSeconds(time), ref flagged, changed, manual: job.ManualAssignment);
                time += service;
            }

            var index = 0;
            foreach (var job in jobs.Where(j => j.CourierId == courier.UserId && j.ManualAssignment && j.Status is JobStatus.Waiting or JobStatus.Ready)
                         .OrderBy(j => j.WindowEnd))
            {
                time = Math.Max(time + Seconds(travel, position, job.Store, courier.Vehicle), ReadyOffset(job, now));
                var pickupAt = now.AddSeconds(time);
                time += service + Seconds(travel, job.Store, job.Destination, courier.Vehicle);
                time = Math.Max(time, job.Asap ? 0 : (job.WindowStart - now).TotalSeconds);
                position = job.Destination;
                job.RouteIndex = index++;
                Plan(job, courier.UserId, pickupAt, now.AddSeconds(time), ref flagged, changed, manual: true);
                time += service;
            }

            starts[courier.UserId] = (position, time);
        }

        // 2. Everything else goes to the solver. A hand assignment to a courier who left the shift is released.
        var free = jobs.Where(j => j.Status is JobStatus.Waiting or JobStatus.Ready
                                   && !(j.ManualAssignment && j.CourierId is { } c && onShift.ContainsKey(c))).ToList();
        var vehicles = couriers.Where(c => starts[c.UserId].Time < horizon).ToList();
        if (free.Count == 0)
        {
            return (null, flagged);
        }

        if (vehicles.Count == 0)
        {
            foreach (var job in free)
            {
                Unplan(job, "no_courier", ref flagged, changed);
            }

            return (null, flagged);
        }

        var locations = new List<Point>();
        var vehicleList = new List<Vehicle>();
        foreach (var courier in vehicles)
        {
            var (at, time) = starts[courier.UserId];
            locations.Add(new Point(at.Lng, at.Lat));
            vehicleList.Add(new Vehicle(courier.UserId.ToString(), courier.Capacity, locations.Count - 1, locations.Count - 1, time, horizon, courier.Vehicle));
        }

        var stops = new List<Stop>();
        var pairs = new List<PickupDelivery>();
        var late = new HashSet<Guid>();
        foreach (var job in free)
        {
            var due = (job.WindowEnd - now).TotalSeconds;
            var ready = ReadyOffset(job, now);
            if (due <= ready)
            {
                // The promise is already broken: plan it as soon as possible and tell the dispatcher.
                late.Add(job.Id);
                due = horizon;
            }

            locations.Add(new Point(job.StoreLng, job.StoreLat));
            stops.Add(new Stop($"{job.Id}:pickup", locations.Count - 1, job.Items, ready, due, service));
            locations.Add(new Point(job.DestinationLng, job.DestinationLat));
            var deliveryReady = job.Asap || late.Contains(job.Id) ? 0 : Math.Max(0, (job.WindowStart - now).TotalSeconds);
            stops.Add(new Stop($"{job.Id}:delivery", locations.Count - 1, job.Items, Math.Min(deliveryReady, due), due, service));
            pairs.Add(new PickupDelivery(stops.Count - 2, stops.Count - 1));
        }

        var problem = new RoutingProblem($"dispatch-{now:yyyyMMddHHmmss}-{carrierId?.ToString() ?? "platform"}", locations, vehicleList, stops, pairs, travel);
        var solveOptions = solve ?? new SolveOptions(Seed: 1, TimeLimit: Settings.SolverBudget);
        var solution = await Task.Run(() => optimizer.Solve(problem, solveOptions, ct), ct);
        var report = FeasibilityChecker.Check(problem, solution);
        if (!report.IsFeasible)
        {
            // The referee disagrees with the solver: apply nothing rather than promise what cannot be kept.
            logger.LogError("Dispatch plan {Problem} failed the feasibility check: {Violations}", problem.Name,
                string.Join("; ", report.Violations.Take(5).Select(v => v.Detail)));
            return (new CarrierPlan(carrierId, problem, solution, new DispatchResult(free.Count, vehicles.Count, 0, 0, 0, solution.Iterations, solution.Elapsed)),
                flagged);
        }

        var assigned = 0;
        foreach (var route in solution.Routes)
        {
            var courierId = vehicles[route.Vehicle].UserId;
            var offset = jobs.Count(j => j.CourierId == courierId && j.ManualAssignment && j.Status is JobStatus.Waiting or JobStatus.Ready);
            var pickups = new Dictionary<int, double>();
            var order = 0;
            for (var k = 0; k < route.Stops.Count; k++)
            {
                var stop = route.Stops[k];
                var job = free[stop / 2];
                if (stop % 2 == 0)
                {
                    pickups[stop / 2] = route.ServiceStarts[k];
                    job.RouteIndex = offset + order++;
                    continue;
                }

                Plan(job, courierId, now.AddSeconds(pickups[stop / 2]), now.AddSeconds(route.ServiceStarts[k]), ref flagged, changed, manual: false,
                    forcedFlag: late.Contains(job.Id) ? "late" : null);
                assigned++;
            }
        }

        foreach (var unassigned in solution.Unassigned.Where(u => u.Stop % 2 == 0))
        {
            Unplan(free[unassigned.Stop / 2], unassigned.Reason == UnassignedReason.Unreachable ? "unreachable" : "no_capacity_left", ref flagged, changed);
        }

        return (new CarrierPlan(carrierId, problem, solution,
            new DispatchResult(free.Count, vehicles.Count, assigned, flagged, solution.Distance, solution.Iterations, solution.Elapsed)), flagged);
    }

    private double ReadyOffset(DeliveryJob job, DateTime now) =>
        job.Status == JobStatus.Ready ? 0 : Math.Max(0, (job.ExpectedReadyAt - now).TotalSeconds);

    private static double Seconds(TravelTable travel, GeoPoint from, GeoPoint to, string vehicle) => travel.Seconds(from, to, vehicle);

    /// <summary>Every place a batch can route between: where couriers are, and every active job's store and door.</summary>
    private static List<GeoPoint> Places(List<DeliveryJob> jobs, List<Courier> couriers) =>
        TravelTable.Distinct(couriers.Where(c => c is { LastLat: not null, LastLng: not null }).Select(c => new GeoPoint(c.LastLat!.Value, c.LastLng!.Value))
            .Concat(jobs.SelectMany(j => new[] { j.Store, j.Destination })));

    private void Plan(DeliveryJob job, Guid courierId, DateTime? pickupAt, DateTime deliveryAt, ref int flagged, List<DeliveryJob> changed,
        bool manual, string? forcedFlag = null)
    {
        var flag = forcedFlag ?? (deliveryAt > job.WindowEnd ? "late" : null);
        var reassigned = job.CourierId != courierId;
        if (reassigned)
        {
            job.AssignedAt = clock.GetUtcNow().UtcDateTime;
        }

        job.CourierId = courierId;
        job.ManualAssignment = manual;
        job.PlannedPickupAt = pickupAt ?? job.PlannedPickupAt;
        job.PlannedDeliveryAt = deliveryAt;
        SetFlag(job, flag, ref flagged);
        job.Touch();
        if (reassigned)
        {
            outbox.Publish(new DeliveryJobAssigned(NewId.Next(clock), clock.GetUtcNow().UtcDateTime, job.Id, job.OrderId, job.StoreId, courierId, manual));
        }

        changed.Add(job);
    }

    private void Unplan(DeliveryJob job, string reason, ref int flagged, List<DeliveryJob> changed)
    {
        if (job.CourierId is not null)
        {
            outbox.Publish(new DeliveryJobAssigned(NewId.Next(clock), clock.GetUtcNow().UtcDateTime, job.Id, job.OrderId, job.StoreId, null, false));
        }

        job.CourierId = null;
        job.ManualAssignment = false;
        job.RouteIndex = null;
        job.PlannedPickupAt = null;
        job.PlannedDeliveryAt = null;
        SetFlag(job, reason, ref flagged);
        job.Touch();
        changed.Add(job);
    }

    private void SetFlag(DeliveryJob job, string? flag, ref int flagged)
    {
        if (flag is not null)
        {
            flagged++;
            if (job.Flag != flag)
            {
                outbox.Publish(new DeliveryJobFlagged(NewId.Next(clock), clock.GetUtcNow().UtcDateTime, job.Id, job.OrderId, job.StoreId, flag));
            }
        }

        job.Flag = flag;
    }

    private async Task SaveAsync(List<DeliveryJob> changed, DateTime now, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A courier or dispatcher changed a job while we planned: drop this batch, the next one starts from the new state.
            logger.LogInformation("Dispatch batch at {Now} lost a race with a job change; the next batch replans", now);
            db.ChangeTracker.Clear();
            return;
        }

        foreach (var job in changed)
        {
            await feed.JobChangedAsync(job);
        }
    }
}
