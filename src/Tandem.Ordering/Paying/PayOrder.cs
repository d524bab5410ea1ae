using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Http;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Validation;
using Tandem.Ordering.Orders;
using Tandem.Payments.Contracts;

namespace Tandem.Ordering.Paying;

/// <summary>Sandbox test controls in a pay body (see the API reference).</summary>
public sealed record SandboxControlsRequest(string? Outcome, int? Repeat, bool? Reorder, int? LatencyMs);

public sealed record PayRequest(string? Method, SandboxControlsRequest? Sandbox);

public sealed record PayResponse(Guid PaymentId, PaymentStatus Status);

/// <summary>
/// The consumer pays an order. The pending payment is committed first (the provider's callback needs it), then the
/// provider is asked; with the sandbox approving at once, its signed callback has made the order <c>paid</c> by the
/// time this answers.
/// </summary>
internal static class PayOrder
{
    public const int MaxRepeat = 10;
    public const int MaxLatencyMs = 10_000;

    public static async Task<Results<Ok<PayResponse>, ProblemHttpResult>> Handle(
        Guid orderId, PayRequest request, ClaimsPrincipal user, OrderAccess access, OrderLifecycle lifecycle, IPayments payments,
        IdempotentRequest idempotency, IOptions<OrderOptions> options, TandemDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var checks = new Checks();
        if (checks.Required("method", request.Method) is { } method && !payments.Supports(method))
        {
            checks.Add("method", "must be sandbox");
        }

        var controls = Controls(checks, request.Sandbox);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var (paymentId, problem) = await UnitOfWork.RetryOnConflictAsync(async () =>
        {
            // Read before the transaction: the order's version guards the write, so a change in between fails the save
            // and this attempt runs again. On SQLite the transaction holds the one write lock, so it holds only writes.
            var (order, notFound) = await access.LoadForConsumerAsync(orderId, user, ct);
            if (order is null)
            {
                return (Guid.Empty, notFound);
            }

            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            if (order.IsExpired(now))
            {
                // Paying too late releases the reservation now rather than at the next sweep.
                await lifecycle.ExpireAsync(order, ct);
                await work.CommitAsync(ct);
                return (Guid.Empty, OrderAccess.Refused(order.CanStartPayment(now)!));
            }

            if (order.CanStartPayment(now) is { } refusal)
            {
                return (Guid.Empty, OrderAccess.Refused(refusal));
            }

            var paymentId = payments.Begin(new PaymentIntent(order.Id, order.MerchantId, order.ConsumerId, order.TotalMoney, request.Method!));
            order.StartPayment(paymentId, now, options.Value.PaymentGrace);
            await work.CommitAsync(ct);
            return (paymentId, (ProblemHttpResult?)null);
        });
        if (problem is not null)
        {
            return problem;
        }

        // From here the payment exists: a retry with the same key gets this answer if we never finish.
        await idempotency.CheckpointAsync(StatusCodes.Status200OK, new PayResponse(paymentId, PaymentStatus.Pending), ct);
        var status = await payments.SubmitAsync(paymentId, controls, ct);
        if (status is PaymentStatus.RefundPending or PaymentStatus.Refunded)
        {
            // The money arrived after the order stopped awaiting it (expired, cancelled or paid by another attempt): refunded.
            return await NoLongerPayableAsync(orderId, paymentId, status, access, clock, ct);
        }

        return TypedResults.Ok(new PayResponse(paymentId, status));
    }

    private static async Task<ProblemHttpResult> NoLongerPayableAsync(
        Guid orderId, Guid paymentId, PaymentStatus status, OrderAccess access, TimeProvider clock, CancellationToken ct)
    {
        var order = await access.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, ct);
        var refusal = order.CanStartPayment(clock.GetUtcNow().UtcDateTime) ?? Refusal.Transition(order.Status, "paid");
        return ApiProblem.Conflict(refusal.Code, refusal.Detail + " The payment was refunded.",
            new Dictionary<string, object?> { ["paymentId"] = paymentId, ["paymentStatus"] = status == PaymentStatus.Refunded ? "refunded" : "refund_pending" });
    }

    private static SandboxControls? Controls(Checks checks, SandboxControlsRequest? requested)
    {
        if (requested is null)
        {
            return null;
        }

        if (requested.Outcome is not (null or "approve" or "decline" or "delay"))
        {
            checks.Add("sandbox.outcome", "must be approve, decline or delay");
        }

        if (requested.Repeat is < 1 or > MaxRepeat)
        {
            checks.Add("sandbox.repeat", $"must be between 1 and {MaxRepeat}");
        }

        if (requested.LatencyMs is < 0 or > MaxLatencyMs)
        {
            checks.Add("sandbox.latencyMs", $"must be between 0 and {MaxLatencyMs}");
        }

        return new SandboxControls(requested.Outcome, requested.Repeat, requested.Reorder, requested.LatencyMs);
    }
}
