using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Tenancy;
using Tandem.Kernel.Validation;
using Tandem.Payments.Contracts;
using Tandem.Payments.Processing;

namespace Tandem.Payments.Sandbox;

public sealed record SettleRequest(string? Outcome, int? Repeat, bool? Reorder);

/// <summary>Every field is optional, so unknown ones are refused rather than silently ignored.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RedeliverRequest(int? Repeat, bool? Reorder);

public sealed record SandboxPaymentStatusResponse(Guid PaymentId, PaymentStatus Status);

public sealed record SandboxRefundView(Guid RefundId, MoneyDto Amount, DateTime At);

public sealed record SandboxNotificationView(string NotificationId, string Status, DateTime CreatedAt, DateTime? DeliveredAt, int Attempts);

public sealed record SandboxLedgerResponse(
    Guid PaymentId, Guid OrderId, string State, MoneyDto Amount, MoneyDto Refunded, DateTime CreatedAt, DateTime? SettledAt,
    IReadOnlyList<SandboxRefundView> Refunds, IReadOnlyList<SandboxNotificationView> Notifications);

/// <summary>
/// Test controls of the sandbox, for the payer of a sandbox payment: settle a delayed payment (as if in the wallet app),
/// deliver notifications again (repeated or out of order), and read the sandbox's own books.
/// </summary>
internal static class SandboxControl
{
    public const int MaxRepeat = 10;

    public static async Task<Results<Ok<SandboxPaymentStatusResponse>, ProblemHttpResult>> Settle(
        Guid paymentId, SettleRequest request, ClaimsPrincipal user, SandboxProvider sandbox, PaymentService payments,
        SandboxDbContext db, CancellationToken ct)
    {
        var checks = new Checks();
        var outcome = SandboxProvider.ParseOutcome(checks.Required("outcome", request.Outcome));
        if (request.Outcome is not null && outcome is not (SandboxOutcome.Approve or SandboxOutcome.Decline))
        {
            checks.Add("outcome", "must be approve or decline");
        }

        CheckRepeat(checks, request.Repeat);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (await LedgerOfPayerAsync(db, paymentId, user, ct) is null)
        {
            return ApiProblem.NotFound("No such sandbox payment of yours.");
        }

        if (!await sandbox.SettleAsync(paymentId, outcome!.Value, request.Repeat ?? 1, request.Reorder ?? false, ct))
        {
            return ApiProblem.Conflict("already_settled", "The payer already approved or declined this payment.");
        }

        return TypedResults.Ok(new SandboxPaymentStatusResponse(paymentId, await payments.StatusAsync(paymentId, ct)));
    }

    public static async Task<Results<Ok<SandboxPaymentStatusResponse>, ProblemHttpResult>> Redeliver(
        Guid paymentId, RedeliverRequest request, ClaimsPrincipal user, SandboxProvider sandbox, PaymentService payments,
        SandboxDbContext db, CancellationToken ct)
    {
        var checks = new Checks();
        CheckRepeat(checks, request.Repeat);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (await LedgerOfPayerAsync(db, paymentId, user, ct) is null)
        {
            return ApiProblem.NotFound("No such sandbox payment of yours.");
        }

        await sandbox.RedeliverAsync(paymentId, request.Repeat ?? 1, request.Reorder ?? false, ct);
        return TypedResults.Ok(new SandboxPaymentStatusResponse(paymentId, await payments.StatusAsync(paymentId, ct)));
    }

    public static async Task<Results<Ok<SandboxLedgerResponse>, ProblemHttpResult>> Ledger(
        Guid paymentId, ClaimsPrincipal user, SandboxDbContext db, SandboxNotifier notifier, CancellationToken ct)
    {
        await notifier.FlushMarksAsync(ct); // the sandbox's books include the deliveries it has not written down yet
        var payment = await LedgerOfPayerAsync(db, paymentId, user, ct);
        if (payment is null)
        {
            return ApiProblem.NotFound("No such sandbox payment of yours.");
        }

        var refunds = await db.Set<SandboxRefund>().AsNoTracking().Where(r => r.SandboxPaymentId == payment.Id).ToListAsync(ct);
        var notifications = await db.Set<SandboxNotification>().AsNoTracking().Where(n => n.SandboxPaymentId == payment.Id).ToListAsync(ct);
        return TypedResults.Ok(new SandboxLedgerResponse(
            payment.PaymentId, payment.OrderId, Snake(payment.State), new MoneyDto(payment.Amount, payment.Currency),
            new MoneyDto(payment.RefundedAmount, payment.Currency), payment.CreatedAt, payment.SettledAt,
            refunds.OrderBy(r => r.CreatedAt).Select(r => new SandboxRefundView(r.RefundId, new MoneyDto(r.Amount, payment.Currency), r.CreatedAt)).ToList(),
            notifications.OrderBy(n => n.Sequence)
                .Select(n => new SandboxNotificationView(n.Id, n.Status, n.CreatedAt, n.DeliveredAt, n.Attempts)).ToList()));
    }

    private static void CheckRepeat(Checks checks, int? repeat)
    {
        if (repeat is < 1 or > MaxRepeat)
        {
            checks.Add("repeat", $"must be between 1 and {MaxRepeat}");
        }
    }

    private static async Task<SandboxPayment?> LedgerOfPayerAsync(SandboxDbContext db, Guid paymentId, ClaimsPrincipal user, CancellationToken ct)
    {
        var userId = user.RequiredUserId();
        return await db.Set<SandboxPayment>().AsNoTracking().SingleOrDefaultAsync(p => p.PaymentId == paymentId && p.PayerId == userId, ct);
    }

    private static string Snake(SandboxPaymentState state) => state switch
    {
        SandboxPaymentState.AwaitingPayer => "awaiting_payer",
        _ => state.ToString().ToLowerInvariant(),
    };
}
