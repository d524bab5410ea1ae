using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Jobs;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;

namespace Tandem.Delivery.Statistics;

/// <summary>Finished deliveries over a period: how many, how many on time (by the end of the promised window), how long, how many failed.</summary>
public sealed record DeliveryStatsResponse(
    DateTime From, DateTime To, int Delivered, int OnTime, double? OnTimeRate, double? AverageMinutes, int Failed,
    IReadOnlyDictionary<string, int> FailuresByReason);

/// <summary>Delivery statistics per store (staff) and for the signed-in courier.</summary>
internal static class DeliveryStats
{
    public static async Task<Results<Ok<DeliveryStatsResponse>, ProblemHttpResult>> OfStore(
        Guid storeId, DateTime? from, DateTime? to, ClaimsPrincipal user, IStoreDirectory stores, IMerchantAccess merchants,
        TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var store = await stores.FindAsync(storeId, ct);
        if (store is null)
        {
            return ApiProblem.NotFound("No such store.");
        }

        if (await merchants.CheckAsync(user, store.MerchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        return await ComputeAsync(db.Set<DeliveryJob>().Where(j => j.StoreId == storeId), from, to, clock, ct);
    }

    public static async Task<Results<Ok<DeliveryStatsResponse>, ProblemHttpResult>> OfCourier(
        DateTime? from, DateTime? to, ClaimsPrincipal user, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var courierId = user.RequiredUserId();
        return await ComputeAsync(db.Set<DeliveryJob>().Where(j => j.CourierId == courierId), from, to, clock, ct);
    }

    public static async Task<Results<Ok<DeliveryStatsResponse>, ProblemHttpResult>> ComputeAsync(
        IQueryable<DeliveryJob> jobs, DateTime? from, DateTime? to, TimeProvider clock, CancellationToken ct)
    {
        var end = (to ?? clock.GetUtcNow().UtcDateTime).ToUniversalTime();
        var start = (from ?? end.AddDays(-30)).ToUniversalTime();
        if (start > end || end - start > TimeSpan.FromDays(366))
        {
            return ApiProblem.BadRequest("validation_failed", "from must be before to, at most a year apart.", "from");
        }

        var finished = await jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Delivered && j.DeliveredAt >= start && j.DeliveredAt < end)
                        || ((j.Status == JobStatus.Failed || j.Status == JobStatus.Returned) && j.FailedAt >= start && j.FailedAt < end))
            .Select(j => new { j.Status, j.CreatedAt, j.DeliveredAt, j.WindowEnd, j.FailureReason })
            .ToListAsync(ct);
        var delivered = finished.Where(j => j.Status == JobStatus.Delivered).ToList();
        var onTime = delivered.Count(j => j.DeliveredAt <= j.WindowEnd);
        var failures = finished.Where(j => j.Status != JobStatus.Delivered).GroupBy(j => j.FailureReason ?? "unknown")
            .ToDictionary(g => g.Key, g => g.Count());
        return TypedResults.Ok(new DeliveryStatsResponse(start, end, delivered.Count, onTime,
            delivered.Count == 0 ? null : Math.Round((double)onTime / delivered.Count, 4),
            delivered.Count == 0 ? null : Math.Round(delivered.Average(j => (j.DeliveredAt!.Value - j.CreatedAt).TotalMinutes), 1),
            failures.Values.Sum(), failures));
    }
}
