using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Contracts;
using Tandem.Delivery.Tracking;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;

namespace Tandem.Delivery.Jobs;

public sealed record CourierPickupRequest(string? OrderCode);

public sealed record DeliverRequest(string? DeliveryCode);

public sealed record FailDeliveryRequest(string? Reason);

/// <summary>
/// The courier's side of a job: their jobs in route order, pickup (scanning the order's label), delivery against the
/// consumer's code, or a failed attempt. Another courier's job answers 404, so its existence never leaks.
/// </summary>
internal static class CourierJobs
{
    public static readonly string[] FailureReasons = ["not_home", "refused", "unreachable_address"];

    public static async Task<Ok<DeliveryJobListResponse>> Mine(ClaimsPrincipal user, TandemDbContext db, CancellationToken ct)
    {
        var courierId = user.RequiredUserId();
        var jobs = await db.Set<DeliveryJob>().AsNoTracking()
            .Where(j => j.CourierId == courierId && DeliveryJob.Active.Contains(j.Status))
            .ToListAsync(ct);
        return TypedResults.Ok(new DeliveryJobListResponse(jobs
            .OrderBy(j => j.RouteIndex ?? int.MaxValue).ThenBy(j => j.WindowEnd)
            .Select(j => DeliveryJobResponse.For(j, showDropoff: true, showJobCode: true))
            .ToList()));
    }

    public static async Task<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>> One(
        Guid jobId, ClaimsPrincipal user, TandemDbContext db, CancellationToken ct)
    {
        var courierId = user.RequiredUserId();
        var job = await db.Set<DeliveryJob>().AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.CourierId == courierId, ct);
        return job is null ? NotFound() : TypedResults.Ok(DeliveryJobResponse.For(job, showDropoff: job.IsActive, showJobCode: job.IsActive));
    }

    public static async Task<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>> PickUp(
        Guid jobId, CourierPickupRequest request, ClaimsPrincipal user, TandemDbContext db, IDeliveryOrders orders, DeliveryFeed feed,
        TimeProvider clock, CancellationToken ct)
    {
        if (OrderCode(request.OrderCode) is not { } orderId)
        {
            return Invalid("orderCode", "must be the order's label code (tandem:order:{orderId}) or its id");
        }

        var courierId = user.RequiredUserId();
        return await JobActions.PickUpAsync(db, orders, feed, clock, courierId, j => j.Id == jobId && j.CourierId == courierId, job =>
            job.OrderId == orderId ? null : ApiProblem.Conflict("wrong_order_code", "That label belongs to another order."), ct);
    }

    public static async Task<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>> Deliver(
        Guid jobId, DeliverRequest request, ClaimsPrincipal user, TandemDbContext db, IDeliveryOrders orders, DeliveryFeed feed,
        TimeProvider clock, CancellationToken ct)
    {
        var code = request.DeliveryCode?.Trim();
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return Invalid("deliveryCode", "must be the six digits the consumer shows");
        }

        var courierId = user.RequiredUserId();
        return await UnitOfWork.RetryOnConflictAsync<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var job = await db.Set<DeliveryJob>().SingleOrDefaultAsync(j => j.Id == jobId && j.CourierId == courierId, ct);
            if (job is null)
            {
                return NotFound();
            }

            if (job.Status != JobStatus.PickedUp)
            {
                return JobActions.NotNow(job, "delivered");
            }

            var step = await orders.DeliveredAsync(job.OrderId, code, courierId, ct);
            if (!step.Succeeded)
            {
                if (step.Code == "wrong_delivery_code")
                {
                    // The failed attempt counts towards the lock even though the answer is a refusal.
                    await work.CommitAsync(ct);
                }

                return ApiProblem.Conflict(step.Code!, step.Detail!, step.Extensions?.ToDictionary());
            }

            job.Status = JobStatus.Delivered;
            job.DeliveredAt = clock.GetUtcNow().UtcDateTime;
            job.Touch();
            await work.CommitAsync(ct);
            await feed.JobChangedAsync(job);
            return TypedResults.Ok(DeliveryJobResponse.For(job, showDropoff: false, showJobCode: false));
        });
    }

    public static async Task<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>> Fail(
        Guid jobId, FailDeliveryRequest request, ClaimsPrincipal user, TandemDbContext db, IDeliveryOrders orders, DeliveryFeed feed,
        TimeProvider clock, CancellationToken ct)
    {
        if (request.Reason is not { } reason || !FailureReasons.Contains(reason))
        {
            return Invalid("reason", $"must be one of {string.Join(", ", FailureReasons)}");
        }

        var courierId = user.RequiredUserId();
        return await UnitOfWork.RetryOnConflictAsync<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var job = await db.Set<DeliveryJob>().SingleOrDefaultAsync(j => j.Id == jobId && j.CourierId == courierId, ct);
            if (job is null)
            {
                return NotFound();
            }

            if (job.Status != JobStatus.PickedUp)
            {
                return JobActions.NotNow(job, "reported failed");
            }

            var step = await orders.FailedAsync(job.OrderId, reason, ct);
            if (!step.Succeeded)
            {
                return ApiProblem.Conflict(step.Code!, step.Detail!);
            }

            job.Status = JobStatus.Failed;
            job.FailedAt = clock.GetUtcNow().UtcDateTime;
            job.FailureReason = reason;
            job.Touch();
            await work.CommitAsync(ct);
            await feed.JobChangedAsync(job);
            return TypedResults.Ok(DeliveryJobResponse.For(job, showDropoff: false, showJobCode: false));
        });
    }

    /// <summary>The label QR encodes <c>tandem:order:{orderId}</c>; a typed id is accepted too.</summary>
    public static Guid? OrderCode(string? code)
    {
        var text = code?.Trim();
        if (text is null)
        {
            return null;
        }

        const string prefix = "tandem:order:";
        if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            text = text[prefix.Length..];
        }

        return Guid.TryParse(text, out var id) && id != Guid.Empty ? id : null;
    }

    public static ProblemHttpResult NotFound() => ApiProblem.NotFound("No such job among yours.");

    public static ProblemHttpResult Invalid(string field, string message)
    {
        var checks = new Checks();
        checks.Add(field, message);
        return ApiProblem.Validation(checks.Errors);
    }
}

/// <summary>Steps shared by the courier's and the store's way of confirming a pickup.</summary>
internal static class JobActions
{
    public static async Task<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>> PickUpAsync(
        TandemDbContext db, IDeliveryOrders orders, DeliveryFeed feed, TimeProvider clock, Guid actor,
        System.Linq.Expressions.Expression<Func<DeliveryJob, bool>> which, Func<DeliveryJob, ProblemHttpResult?> check, CancellationToken ct) =>
        await UnitOfWork.RetryOnConflictAsync<Results<Ok<DeliveryJobResponse>, ProblemHttpResult>>(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var job = await db.Set<DeliveryJob>().SingleOrDefaultAsync(which, ct);
            if (job is null)
            {
                return CourierJobs.NotFound();
            }

            if (check(job) is { } refused)
            {
                return refused;
            }

            if (job.Status != JobStatus.Ready || job.CourierId is null)
            {
                return job.Status == JobStatus.Waiting
                    ? ApiProblem.Conflict("job_not_ready", "The store has not marked this order ready yet.")
                    : NotNow(job, "picked up");
            }

            var step = await orders.PickedUpAsync(job.OrderId, actor, ct);
            if (!step.Succeeded)
            {
                return ApiProblem.Conflict(step.Code!, step.Detail!);
            }

            job.Status = JobStatus.PickedUp;
            job.PickedUpAt = clock.GetUtcNow().UtcDateTime;
            job.Flag = null;
            job.Touch();
            await work.CommitAsync(ct);
            await feed.JobChangedAsync(job);
            return TypedResults.Ok(DeliveryJobResponse.For(job, showDropoff: true, showJobCode: true));
        });

    public static ProblemHttpResult NotNow(DeliveryJob job, string action) =>
        ApiProblem.Conflict("invalid_transition", $"A job that is {JobStatuses.Name(job.Status)} cannot be {action}.");
}
