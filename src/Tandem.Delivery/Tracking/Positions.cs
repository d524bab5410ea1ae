using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Delivery.Contracts;
using Tandem.Delivery.Couriers;
using Tandem.Delivery.Jobs;
using Tandem.Delivery.Routing;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;

namespace Tandem.Delivery.Tracking;

public sealed record PositionPointDto(double? Lat, double? Lng, DateTime? At, double? Accuracy);

public sealed record PositionsRequest(List<PositionPointDto>? Points);

public sealed record PositionsResponse(int Accepted, int Flagged);

public sealed record CourierOnTheWayView(LocationDto Location, DateTime At, string Vehicle);

public sealed record OrderDeliveryResponse(
    Guid OrderId, Guid JobId, string Status, DeliveryWindowView Window, DateTime? PlannedDeliveryAt, CourierOnTheWayView? Courier, int? EtaSeconds);

public sealed record TrackPointItem(double Lat, double Lng, DateTime At, bool Flagged);

public sealed record TrackResponse(Guid JobId, Guid? CourierId, IReadOnlyList<TrackPointItem> Items);

/// <summary>
/// Courier positions in, live positions out. A batch is checked whole (coordinates in range, timestamps neither from
/// the future nor stale) and refused whole with problem+json when a point is bad; a point implying an impossible speed
/// is kept but flagged and not shown live. Accepted points are pushed at once and written in batches in the background.
/// </summary>
internal static class Positions
{
    public const int MaxPoints = 100;

    public static async Task<Results<Accepted<PositionsResponse>, ProblemHttpResult>> Post(
        PositionsRequest request, ClaimsPrincipal user, TandemDbContext db, PositionStream stream, DeliveryFeed feed,
        IOptions<DeliveryOptions> options, TimeProvider clock, ITravelTimeSource travelTimes, CancellationToken ct)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var checks = new Checks();
        var points = new List<(GeoPoint At, DateTime Time, double? Accuracy)>();
        if (request.Points is not { Count: > 0 and <= MaxPoints } given)
        {
            checks.Add("points", $"must have 1 to {MaxPoints} points");
            return ApiProblem.Validation(checks.Errors);
        }

        for (var i = 0; i < given.Count; i++)
        {
            var p = given[i];
            if (p is null)
            {
                checks.Add($"points[{i}]", "is required");
                continue;
            }

            var location = checks.Location($"points[{i}]", new LocationDto(p.Lat, p.Lng));
            if (checks.Required($"points[{i}].at", p.At) is { } at)
            {
                var utc = at.ToUniversalTime();
                if (utc > now + settings.ClockSkew)
                {
                    checks.Add($"points[{i}].at", "is in the future");
                }
                else if (utc < now - settings.MaxPointAge)
                {
                    checks.Add($"points[{i}].at", $"is older than {settings.MaxPointAge.TotalMinutes:0} minutes");
                }

                if (p.Accuracy is { } accuracy && (!double.IsFinite(accuracy) || accuracy < 0 || accuracy > 100_000))
                {
                    checks.Add($"points[{i}].accuracy", "must be between 0 and 100000 metres");
                }

                points.Add((location, utc, p.Accuracy));
            }
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var courierId = user.RequiredUserId();
        var courier = await db.Set<Courier>().AsNoTracking().SingleOrDefaultAsync(c => c.UserId == courierId, ct);
        if (courier is not { OnShift: true })
        {
            return ApiProblem.Conflict("not_on_shift", "Go on shift before sending positions.");
        }

        CourierPosition? previous = stream.TryLast(courierId, out var known) ? known
            : courier is { LastLat: { } lat, LastLng: { } lng, LastSeenAt: { } seen }
                ? new CourierPosition { CourierId = courierId, Lat = lat, Lng = lng, At = seen } : null;
        var flagged = 0;
        CourierPosition? newest = null;
        foreach (var (at, time, accuracy) in points.OrderBy(p => p.Time))
        {
            var jump = previous is not null && IsJump(previous, at, time, settings.MaxSpeedKmh);
            var position = new CourierPosition
            {
                Id = NewId.Next(clock),
                CourierId = courierId,
                Lat = at.Lat,
                Lng = at.Lng,
                At = time,
                AccuracyM = accuracy,
                Flagged = jump,
                ReceivedAt = now,
            };
            stream.Accept(position);
            if (jump)
            {
                flagged++;
                continue;
            }

            previous = position;
            newest = position;
        }

        if (newest is not null)
        {
            await PushAsync(db, feed, travelTimes, courier, newest, ct);
        }

        return TypedResults.Accepted((string?)null, new PositionsResponse(points.Count - flagged, flagged));
    }

    /// <summary>The consumer's view of their delivery: the courier's position and an ETA only while the order is on its way.</summary>
    public static async Task<Results<Ok<OrderDeliveryResponse>, ProblemHttpResult>> OfOrder(
        Guid orderId, ClaimsPrincipal user, TandemDbContext db, PositionStream stream, ITravelTimeSource travelTimes, CancellationToken ct)
    {
        var userId = user.RequiredUserId();
        var job = await db.Set<DeliveryJob>().AsNoTracking().SingleOrDefaultAsync(j => j.OrderId == orderId && j.ConsumerId == userId, ct);
        if (job is null)
        {
            return ApiProblem.NotFound("No delivery of yours has this order id.");
        }

        CourierOnTheWayView? courierView = null;
        int? eta = null;
        if (job is { Status: JobStatus.PickedUp, CourierId: { } courierId })
        {
            var courier = await db.Set<Courier>().AsNoTracking().SingleOrDefaultAsync(c => c.UserId == courierId, ct);
            var last = stream.TryLast(courierId, out var p) ? new GeoPoint(p.Lat, p.Lng)
                : courier is { LastLat: { } lat, LastLng: { } lng } ? new GeoPoint(lat, lng) : (GeoPoint?)null;
            var at = stream.TryLast(courierId, out var q) ? q.At : courier?.LastSeenAt;
            if (last is { } position && at is { } seen && courier is not null)
            {
                courierView = new CourierOnTheWayView(LocationDto.From(position), seen, courier.Vehicle);
                eta = (int)Math.Round(await travelTimes.SecondsAsync(position, job.Destination, courier.Vehicle, ct));
            }
        }

        return TypedResults.Ok(new OrderDeliveryResponse(job.OrderId, job.Id, JobStatuses.Name(job.Status),
            new DeliveryWindowView(job.WindowStart, job.WindowEnd), job.PlannedDeliveryAt, courierView, eta));
    }

    /// <summary>A job's track for disputes (staff of its merchant): the courier's points from assignment to the end of the job.</summary>
    public static async Task<Results<Ok<TrackResponse>, ProblemHttpResult>> TrackOfJob(
        Guid jobId, ClaimsPrincipal user, Merchants.Contracts.IMerchantAccess merchants, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var job = await db.Set<DeliveryJob>().AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null)
        {
            return ApiProblem.NotFound("No such job.");
        }

        if (await Merchants.Contracts.MerchantAccessExtensions.CheckAsync(merchants, user, job.MerchantId, Merchants.Contracts.MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        if (job.CourierId is not { } courierId)
        {
            return TypedResults.Ok(new TrackResponse(job.Id, null, []));
        }

        var from = job.PickedUpAt ?? job.AssignedAt ?? job.CreatedAt;
        var to = job.DeliveredAt ?? job.FailedAt ?? clock.GetUtcNow().UtcDateTime;
        var points = await db.Set<CourierPosition>().AsNoTracking()
            .Where(p => p.CourierId == courierId && p.At >= from && p.At <= to)
            .OrderBy(p => p.At).Take(5000)
            .Select(p => new TrackPointItem(p.Lat, p.Lng, p.At, p.Flagged))
            .ToListAsync(ct);
        return TypedResults.Ok(new TrackResponse(job.Id, courierId, points));
    }

    private static bool IsJump(CourierPosition previous, GeoPoint at, DateTime time, double maxSpeedKmh)
    {
        var km = new GeoPoint(previous.Lat, previous.Lng).DistanceKmTo(at);
        var hours = Math.Abs((time - previous.At).TotalHours);
        // Within a few seconds GPS scatter dominates: allow 100 m of it.
        return km > 0.1 && (hours <= 0 || km / hours > maxSpeedKmh);
    }

    private static async Task PushAsync(TandemDbContext db, DeliveryFeed feed, ITravelTimeSource travelTimes, Courier courier, CourierPosition at, CancellationToken ct)
    {
        var jobs = await db.Set<DeliveryJob>().AsNoTracking()
            .Where(j => j.CourierId == courier.UserId && DeliveryJob.Active.Contains(j.Status))
            .Select(j => new { j.OrderId, j.StoreId, j.Status, j.DestinationLat, j.DestinationLng })
            .ToListAsync(ct);
        var message = new CourierPositionMessage(courier.UserId, at.Lat, at.Lng, at.At, courier.Vehicle, null, null);
        var groups = jobs.Select(j => DeliveryHub.StoreGroup(j.StoreId)).Distinct().Append(DeliveryHub.DispatchGroup).Append(DeliveryHub.CourierGroup(courier.UserId)).ToList();
        if (courier.CompanyId is { } companyId)
        {
            groups.Add(DeliveryHub.CompanyGroup(companyId));
        }

        await feed.PositionAsync(groups, message);
        var onTheWay = jobs.Where(j => j.Status == JobStatus.PickedUp).ToList();
        if (onTheWay.Count == 0)
        {
            return;
        }

        // One table from where the courier is to every door they are riding to.
        var here = new GeoPoint(at.Lat, at.Lng);
        var doors = onTheWay.Select(j => new GeoPoint(j.DestinationLat, j.DestinationLng)).ToList();
        var travel = await travelTimes.TableAsync([here, .. doors], [courier.Vehicle], ct);
        for (var k = 0; k < onTheWay.Count; k++)
        {
            var eta = (int)Math.Round(travel.Seconds(here, doors[k], courier.Vehicle));
            await feed.PositionAsync([DeliveryHub.OrderGroup(onTheWay[k].OrderId)], message with { OrderId = onTheWay[k].OrderId, EtaSeconds = eta });
        }
    }
}
