using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Couriers;
using Tandem.Delivery.Jobs;
using Tandem.Delivery.Statistics;
using Tandem.Delivery.Tracking;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;

namespace Tandem.Delivery.Companies;

/// <summary>
/// The company's dispatcher (its owner): every active job it carries, across the merchants it serves, and its riders
/// live. The consumer's address and drop-off show only on active jobs, which the company's couriers need to carry;
/// finished and failed jobs stay with the store. Hand assignment goes through <c>POST /delivery/jobs/{jobId}/assign</c>.
/// </summary>
internal static class CompanyDispatch
{
    public static async Task<Results<Ok<DispatchBoardResponse>, ProblemHttpResult>> Jobs(
        Guid companyId, ClaimsPrincipal user, TandemDbContext db, PositionStream stream, CancellationToken ct)
    {
        if (await DeliveryCompanies.OwnedAsync(db, companyId, user, ct) is null)
        {
            return DeliveryCompanies.NotFound();
        }

        var jobs = await db.Set<DeliveryJob>().AsNoTracking()
            .Where(j => j.CarrierId == companyId && DeliveryJob.Active.Contains(j.Status))
            .OrderBy(j => j.WindowEnd).Take(2000).ToListAsync(ct);
        var carrying = jobs.Where(j => j.CourierId is not null).Select(j => j.CourierId!.Value).Distinct().ToList();
        var couriers = await db.Set<Courier>().AsNoTracking()
            .Where(c => c.CompanyId == companyId && (c.OnShift || carrying.Contains(c.UserId)))
            .ToListAsync(ct);
        return TypedResults.Ok(new DispatchBoardResponse(
            jobs.Select(j => DeliveryJobResponse.For(j, showDropoff: true, showJobCode: false)).ToList(),
            couriers.Select(c => Live(c, stream)).ToList()));
    }

    public static async Task<Results<Ok<DeliveryStatsResponse>, ProblemHttpResult>> Stats(
        Guid companyId, DateTime? from, DateTime? to, ClaimsPrincipal user, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await DeliveryCompanies.OwnedAsync(db, companyId, user, ct) is null)
        {
            return DeliveryCompanies.NotFound();
        }

        return await DeliveryStats.ComputeAsync(db.Set<DeliveryJob>().Where(j => j.CarrierId == companyId), from, to, clock, ct);
    }

    /// <summary>The newest point from the live stream (the row catches up when the batch of points is written).</summary>
    private static DispatchCourierView Live(Courier c, PositionStream stream) =>
        stream.TryLast(c.UserId, out var p)
            ? new DispatchCourierView(c.UserId, c.Vehicle, c.Capacity, c.OnShift, new LocationDto(p.Lat, p.Lng), p.At)
            : new DispatchCourierView(c.UserId, c.Vehicle, c.Capacity, c.OnShift,
                c is { LastLat: { } lat, LastLng: { } lng } ? new LocationDto(lat, lng) : null, c.LastSeenAt);
}
