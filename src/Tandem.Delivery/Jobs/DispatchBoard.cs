using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Companies;
using Tandem.Delivery.Contracts;
using Tandem.Delivery.Couriers;
using Tandem.Delivery.Dispatch;
using Tandem.Delivery.Tracking;
using Tandem.Delivery.Zones;
using Tandem.Identity.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Outbox;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;

namespace Tandem.Delivery.Jobs;

public sealed record StorePickupRequest(string? JobCode);

public sealed record AssignJobRequest(Guid? CourierId);

public sealed record DispatchCourierView(Guid CourierId, string Vehicle, int Capacity, bool OnShift, LocationDto? LastLocation, DateTime? LastSeenAt);

/// <summary>A courier on shift as a store's dispatcher may see them: how far from the store, not where.</summary>
public sealed record DispatchCandidateView(Guid CourierId, string Vehicle, int Capacity, bool OnShift, double? DistanceKm, int ActiveJobs, DateTime? LastSeenAt);

public sealed record DispatchCandidatesResponse(IReadOnlyList<DispatchCandidateView> Items);

public sealed record DispatchBoardResponse(IReadOnlyList<DeliveryJobResponse> Jobs, IReadOnlyList<DispatchCourierView> Couriers);

public sealed record DispatchBatchResponse(int Jobs, int Couriers, int Assigned, int Flagged, double Distance, long Iterations, double ElapsedMs,
    bool Skipped = false, int EstimatedTravel = 0);

/// <summary>
/// The dispatcher's side: staff of a store see its active jobs and the couriers carrying them, confirm a pickup by
/// scanning the courier's job code, reassign by hand (kept by later batches, and only to a courier of the job's carrier)
/// and take back goods of a failed delivery. The owner of the delivery company carrying a job may reassign it too.
/// Platform admins see every job and can run a batch at once.
/// </summary>
internal static class DispatchBoard
{
    public static async Task<Results<Ok<DispatchBoardResponse>, ProblemHttpResult>> OfStore(
        Guid storeId, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants, TandemDbContext db, CancellationToken ct)
    {
        if (await StaffOfStoreAsync(storeId, user, stores, merchants, ct) is { } denied)
        {
            return denied;
        }

        var jobs = await db.Set<DeliveryJob>().AsNoTracking()
            .Where(j => j.StoreId == storeId && (DeliveryJob.Active.Contains(j.Status) || j.Status == JobStatus.Failed))
            .OrderBy(j => j.WindowEnd).ToListAsync(ct);
        return TypedResults.Ok(await BoardAsync(db, jobs, ct));
    }

    /// <summary>
    /// The couriers on shift, nearest to the store first, for a dispatcher who assigns a job by hand. Platform couriers work for
    /// every store, so a store's staff learn only each courier's distance from the store, never their position.
    /// </summary>
    public static async Task<Results<Ok<DispatchCandidatesResponse>, ProblemHttpResult>> CouriersForStore(
        Guid storeId, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants, TandemDbContext db, PositionStream stream,
        CancellationToken ct)
    {
        if (await StaffOfStoreAsync(storeId, user, stores, merchants, ct) is { } denied)
        {
            return denied;
        }

        var store = (await stores.FindAsync(storeId, ct))!;
        // Only the couriers of the store's carrier may take its jobs: a company's riders, or the platform's independent couriers.
        var carrier = await db.Set<DeliverySettings>().AsNoTracking().Where(s => s.StoreId == storeId).Select(s => s.CarrierId).FirstOrDefaultAsync(ct);
        var onShift = await db.Set<Courier>().AsNoTracking().Where(c => c.OnShift && c.CompanyId == carrier)
            .OrderByDescending(c => c.LastSeenAt).Take(500).ToListAsync(ct);
        var ids = onShift.Select(c => c.UserId).ToList();
        var load = await db.Set<DeliveryJob>().AsNoTracking()
            .Where(j => j.CourierId != null && ids.Contains(j.CourierId.Value) && DeliveryJob.Active.Contains(j.Status))
            .GroupBy(j => j.CourierId!.Value).Select(g => new { CourierId = g.Key, Jobs = g.Count() })
            .ToDictionaryAsync(x => x.CourierId, x => x.Jobs, ct);
        return TypedResults.Ok(new DispatchCandidatesResponse(onShift
            .Select(c =>
            {
                // The live stream knows the newest point; the row catches up when the batch of points is written.
                GeoPoint? at = stream.TryLast(c.UserId, out var p) ? new GeoPoint(p.Lat, p.Lng)
                    : c is { LastLat: { } lat, LastLng: { } lng } ? new GeoPoint(lat, lng) : null;
                return new DispatchCandidateView(c.UserId, c.Vehicle, c.Capacity, c.OnShift,
                    at is { } point ? Math.Round(store.Location.DistanceKmTo(point), 2) : null,
                    load.GetValueOrDefault(c.UserId), stream.TryLast(c.UserId, out var q) ? q.At : c.LastSeenAt);
            })
            .OrderBy(c => c.DistanceKm ?? double.MaxValue).ThenBy(c => c.ActiveJobs)
            .ToList()));
    }

    public static async Task<Ok<DispatchBoardResponse>> All(TandemDbContext db, CancellationToken ct)
    {
        var jobs = await db.Set<DeliveryJob>().AsNoTracking()
            .Where(j => DeliveryJob.Active.Contains(j.Status) || j.Status == JobStatus.Failed)
            .OrderBy(j => j.WindowEnd).Take(2000).ToListAsync(ct);
        var board = await BoardAsync(db, jobs, ct);
        var onShift = await db.Set<Courier>().AsNoTracking().Where(c => c.OnShift).ToListAsync(ct);
        return TypedResults.Ok(board with
        {
            Couriers = onShift.Select(View).Concat(board.Couriers).DistinctBy(c => c.CourierId).ToList(),
        });
    }

    public static async Task<Ok<DispatchBatchResponse>> RunBatch(DispatchRunner runner, CancellationToken ct)
    {
        var result = await runner.RunOnceAsync(ct);
        return TypedResults.Ok(new DispatchBatchResponse(result.Jobs, result.Couriers, result.Assigned, result.Flagged,
            Math.Round(result.Distance, 1), result.Iterations, Math.Round(result.Elapsed.TotalMilliseconds, 1), result.Skipped, result.EstimatedTravel));
    }

    public static async Task<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>> StorePickup(
        Guid storeId, StorePickupRequest request, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants,
        TandemDbContext db, IDeliveryOrders orders, DeliveryFeed feed, TimeProvider clock, CancellationToken ct)
    {
        if (JobCodes.Normalise(request.JobCode) is not { } code)
        {
            return CourierJobs.Invalid("jobCode", "must be the six-character code on the courier's screen");
        }

        if (await StaffOfStoreAsync(storeId, user, stores, merchants, ct) is { } denied)
        {
            return denied;
        }

        return await JobActions.PickUpAsync(db, orders, feed, clock, user.RequiredUserId(),
            j => j.StoreId == storeId && j.JobCode == code && DeliveryJob.Active.Contains(j.Status), _ => null, ct);
    }

    public static async Task<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>> Assign(
        Guid jobId, AssignJobRequest request, ClaimsPrincipal user, IMerchantAccess merchants, TandemDbContext db, Outbox outbox,
        DeliveryFeed feed, TimeProvider clock, CancellationToken ct)
    {
        return await UnitOfWork.RetryOnConflictAsync<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var (job, problem) = await LoadForDispatcherAsync(jobId, user, merchants, db, ct, allowCarrier: true);
            if (job is null)
            {
                return problem!;
            }

            if (job.Status is not (JobStatus.Waiting or JobStatus.Ready))
            {
                return JobActions.NotNow(job, "reassigned");
            }

            if (request.CourierId is { } courierId)
            {
                var courier = await db.Set<Courier>().AsNoTracking().SingleOrDefaultAsync(c => c.UserId == courierId && c.OnShift, ct);
                if (courier is null)
                {
                    return ApiProblem.BadRequest("unknown_courier", "No courier with this id is on shift.", "courierId");
                }

                if (courier.CompanyId != job.CarrierId)
                {
                    return ApiProblem.Conflict("courier_of_other_carrier", job.CarrierId is null
                        ? "The job is carried by the platform's independent couriers; this courier rides for a delivery company."
                        : "The job is carried by a delivery company; this courier does not ride for it.");
                }
            }

            var now = clock.GetUtcNow().UtcDateTime;
            job.CourierId = request.CourierId;
            job.ManualAssignment = request.CourierId is not null;
            job.AssignedAt = request.CourierId is null ? null : now;
            job.RouteIndex = null;
            job.PlannedPickupAt = null;
            job.PlannedDeliveryAt = null;
            job.Touch();
            outbox.Publish(new DeliveryJobAssigned(NewId.Next(clock), now, job.Id, job.OrderId, job.StoreId, job.CourierId, Manual: true));
            await work.CommitAsync(ct);
            await feed.JobChangedAsync(job);
            return TypedResults.Ok(DeliveryJobResponse.For(job, showDropoff: true, showJobCode: false));
        });
    }

    public static async Task<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>> ConfirmReturn(
        Guid jobId, ClaimsPrincipal user, IMerchantAccess merchants, TandemDbContext db, IDeliveryOrders orders, DeliveryFeed feed,
        TimeProvider clock, CancellationToken ct)
    {
        return await UnitOfWork.RetryOnConflictAsync<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var (job, problem) = await LoadForDispatcherAsync(jobId, user, merchants, db, ct, allowPlatform: false);
            if (job is null)
            {
                return problem!;
            }

            if (job.Status != JobStatus.Failed)
            {
                return JobActions.NotNow(job, "returned to stock");
            }

            var step = await orders.ReturnedAsync(job.OrderId, user.RequiredUserId(), ct);
            if (!step.Succeeded)
            {
                return ApiProblem.Conflict(step.Code!, step.Detail!);
            }

            job.Status = JobStatus.Returned;
            job.ReturnedAt = clock.GetUtcNow().UtcDateTime;
            job.Touch();
            await work.CommitAsync(ct);
            await feed.JobChangedAsync(job);
            return TypedResults.Ok(DeliveryJobResponse.For(job, showDropoff: false, showJobCode: false));
        });
    }

    private static async Task<(DeliveryJob? Job, ProblemHttpResult? Problem)> LoadForDispatcherAsync(
        Guid jobId, ClaimsPrincipal user, IMerchantAccess merchants, TandemDbContext db, CancellationToken ct, bool allowPlatform = true,
        bool allowCarrier = false)
    {
        var job = await db.Set<DeliveryJob>().SingleOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null)
        {
            return (null, ApiProblem.NotFound("No such job."));
        }

        if (allowPlatform && user.IsInRole(PlatformRoles.Admin))
        {
            return (job, null);
        }

        // The owner of the delivery company carrying the job dispatches it too (but does not take goods back into a store).
        if (allowCarrier && job.CarrierId is { } carrier && TandemClaims.UserId(user) is { } userId
            && await db.Set<DeliveryCompany>().AnyAsync(c => c.Id == carrier && c.OwnerId == userId, ct))
        {
            return (job, null);
        }

        return await merchants.CheckAsync(user, job.MerchantId, MerchantRole.Staff, ct) is { } denied ? (null, denied) : (job, null);
    }

    private static async Task<ProblemHttpResult?> StaffOfStoreAsync(
        Guid storeId, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants, CancellationToken ct)
    {
        var store = await stores.FindAsync(storeId, ct);
        return store is null ? ApiProblem.NotFound("No such store.") : await merchants.CheckAsync(user, store.MerchantId, MerchantRole.Staff, ct);
    }

    private static async Task<DispatchBoardResponse> BoardAsync(TandemDbContext db, List<DeliveryJob> jobs, CancellationToken ct)
    {
        var courierIds = jobs.Where(j => j.CourierId is not null).Select(j => j.CourierId!.Value).Distinct().ToList();
        var couriers = await db.Set<Courier>().AsNoTracking().Where(c => courierIds.Contains(c.UserId)).ToListAsync(ct);
        return new DispatchBoardResponse(
            jobs.Select(j => DeliveryJobResponse.For(j, showDropoff: true, showJobCode: false)).ToList(),
            couriers.Select(View).ToList());
    }

    private static DispatchCourierView View(Courier c) =>
        new(c.UserId, c.Vehicle, c.Capacity, c.OnShift, c is { LastLat: { } lat, LastLng: { } lng } ? new LocationDto(lat, lng) : null, c.LastSeenAt);
}
