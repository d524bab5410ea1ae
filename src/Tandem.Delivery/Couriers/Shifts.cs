using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;

namespace Tandem.Delivery.Couriers;

public sealed record ShiftRequest(bool? OnShift, string? Vehicle, int? Capacity);

public sealed record CourierResponse(Guid CourierId, bool OnShift, string Vehicle, int Capacity, DateTime? ShiftStartedAt, LocationDto? LastLocation, DateTime? LastSeenAt);

/// <summary>A courier goes on shift (declaring vehicle and capacity) and off again. Only users with the courier role reach these.</summary>
internal static class Shifts
{
    public const int MaxCapacity = 200;

    public static async Task<Results<Ok<CourierResponse>, ProblemHttpResult>> Me(ClaimsPrincipal user, TandemDbContext db, CancellationToken ct)
    {
        var courier = await db.Set<Courier>().AsNoTracking().SingleOrDefaultAsync(c => c.UserId == user.RequiredUserId(), ct);
        return TypedResults.Ok(courier is null
            ? new CourierResponse(user.RequiredUserId(), false, Routing.TravelProfiles.Scooter, 0, null, null, null)
            : Response(courier));
    }

    public static async Task<Results<Ok<CourierResponse>, ProblemHttpResult>> Put(
        ShiftRequest request, ClaimsPrincipal user, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        var onShift = checks.Required("onShift", request.OnShift);
        if (request.Vehicle is not null && !Courier.Vehicles.Contains(request.Vehicle))
        {
            checks.Add("vehicle", $"must be one of {string.Join(", ", Courier.Vehicles)}");
        }

        if (onShift == true && request.Capacity is null)
        {
            checks.Add("capacity", "is required when going on shift");
        }
        else if (request.Capacity is { } c && c is < 1 or > MaxCapacity)
        {
            checks.Add("capacity", $"must be between 1 and {MaxCapacity}");
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var userId = user.RequiredUserId();
        var now = clock.GetUtcNow().UtcDateTime;
        var courier = await db.Set<Courier>().SingleOrDefaultAsync(c => c.UserId == userId, ct);
        if (courier is null)
        {
            courier = new Courier { UserId = userId };
            db.Set<Courier>().Add(courier);
        }

        if (onShift == true && !courier.OnShift)
        {
            courier.ShiftStartedAt = now;
        }

        courier.OnShift = onShift!.Value;
        courier.Vehicle = request.Vehicle ?? courier.Vehicle;
        courier.Capacity = request.Capacity ?? courier.Capacity;
        courier.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(Response(courier));
    }

    public static CourierResponse Response(Courier c) =>
        new(c.UserId, c.OnShift, c.Vehicle, c.Capacity, c.ShiftStartedAt,
            c is { LastLat: { } lat, LastLng: { } lng } ? new LocationDto(lat, lng) : null, c.LastSeenAt);
}
