using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Payments.Contracts;
using Tandem.Payments.Providers;

namespace Tandem.Payments.Sandbox;

internal enum SandboxOutcome
{
    Approve,
    Decline,
    Delay,
}

/// <summary>
/// A provider that behaves like a real one: it keeps its own books (its own tables, written in its own scope as
/// another system would), and reports every outcome through signed HTTP callbacks to the real endpoint —
/// also when it approves at once. First a <c>pending</c> notification, then <c>succeeded</c> or <c>declined</c>.
/// </summary>
internal sealed class SandboxProvider(IServiceScopeFactory scopes, SandboxNotifier notifier, IOptions<SandboxOptions> options, TimeProvider clock)
    : IPaymentProvider
{
    // Compiled once per model: a payment submitted again finds its earlier booking (docs/decisions/0022).
    private static readonly CompiledQuery<Func<SandboxDbContext, Guid, CancellationToken, Task<SandboxPayment?>>> PaymentByPaymentId = new(() =>
        EF.CompileAsyncQuery((SandboxDbContext db, Guid paymentId, CancellationToken ct) => db.Set<SandboxPayment>().SingleOrDefault(p => p.PaymentId == paymentId)));

    public string Name => "sandbox";

    public async Task SubmitAsync(PaymentSubmission submission, CancellationToken ct)
    {
        var outcome = ParseOutcome(submission.Controls?.Outcome) ?? (options.Value.AutoApprove ? SandboxOutcome.Approve : SandboxOutcome.Delay);
        var now = clock.GetUtcNow().UtcDateTime;
        List<SandboxNotification> fresh;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();

            // Nearly every submission is a payment's first: it is booked without looking first. The unique index on the
            // payment refuses a second booking of the same payment, which then goes on from the first.
            var payment = new SandboxPayment
            {
                Id = NewId.Next(clock),
                PaymentId = submission.PaymentId,
                OrderId = submission.OrderId,
                PayerId = submission.PayerId,
                Amount = submission.Amount.Amount,
                Currency = submission.Amount.Currency,
                State = SandboxPaymentState.AwaitingPayer,
                CreatedAt = now,
            };
            fresh = Notifications(payment, isNew: true, outcome, submission.Controls, now);
            try
            {
                // A new payment and its notifications are new rows only, written without change tracking
                // (docs/decisions/0019), in one transaction.
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.InsertAsync([payment, .. fresh], ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException)
            {
                var existing = await PaymentByPaymentId.For(db)(db, submission.PaymentId, ct);
                if (existing is null)
                {
                    throw;
                }

                fresh = Notifications(existing, isNew: false, outcome, submission.Controls, now);
                db.Set<SandboxNotification>().AddRange(fresh);
                await db.SaveChangesAsync(ct);
            }
        }

        if (submission.Controls?.LatencyMs is > 0 and var latency)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(latency), clock, ct);
        }

        await notifier.DeliverAsync(fresh, submission.Controls?.Repeat ?? 1, submission.Controls?.Reorder ?? false, ct);
    }

    /// <summary>What a submission tells: "processing" first for a new payment whose outcome waits (or when the test wants something to reorder), then the outcome if it settles now.</summary>
    private static List<SandboxNotification> Notifications(SandboxPayment payment, bool isNew, SandboxOutcome outcome, SandboxControls? controls, DateTime now)
    {
        var notifications = new List<SandboxNotification>();
        if (isNew && (outcome == SandboxOutcome.Delay || controls?.Reorder == true))
        {
            notifications.Add(SandboxNotifier.Create(payment, 1, "pending", now));
        }

        if (outcome != SandboxOutcome.Delay && Settle(payment, outcome, now) is { } settled)
        {
            notifications.Add(settled);
        }

        return notifications;
    }

    /// <summary>The payer approves or declines a delayed payment (test control). Null when it was settled before.</summary>
    public async Task<bool> SettleAsync(Guid paymentId, SandboxOutcome outcome, int repeat, bool reorder, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<SandboxNotification> toSend;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();
            var payment = await db.Set<SandboxPayment>().SingleAsync(p => p.PaymentId == paymentId, ct);
            if (Settle(payment, outcome, now) is not { } settled)
            {
                return false;
            }

            db.Set<SandboxNotification>().Add(settled);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return false;
            }

            // With reorder the stale "pending" goes again after the outcome, as a late delivery would.
            toSend = reorder
                ? await db.Set<SandboxNotification>().AsNoTracking().Where(n => n.SandboxPaymentId == payment.Id).ToListAsync(ct)
                : [settled];
        }

        await notifier.DeliverAsync(toSend, repeat, reorder, ct);
        return true;
    }

    /// <summary>Sends every notification of a payment again (test control for late and repeated deliveries).</summary>
    public async Task RedeliverAsync(Guid paymentId, int repeat, bool reorder, CancellationToken ct)
    {
        List<SandboxNotification> all;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();
            all = await db.Set<SandboxNotification>().AsNoTracking().Where(n => n.PaymentId == paymentId).ToListAsync(ct);
        }

        await notifier.DeliverAsync(all, repeat, reorder, ct);
    }

    public async Task<string> RefundAsync(ProviderRefund refund, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SandboxDbContext>();
        for (var attempt = 0; ; attempt++)
        {
            var existing = await db.Set<SandboxRefund>().AsNoTracking().SingleOrDefaultAsync(r => r.RefundId == refund.RefundId, ct);
            if (existing is not null)
            {
                return existing.Id.ToString();
            }

            var payment = await db.Set<SandboxPayment>().SingleOrDefaultAsync(p => p.PaymentId == refund.PaymentId, ct)
                ?? throw new InvalidOperationException($"The sandbox knows no payment {refund.PaymentId}.");
            // A sandbox refunds what the merchant asks back, also when the approval reached the merchant by
            // another way (a test signing its own callback); only more than was paid is refused.
            if (payment.Amount - payment.RefundedAmount < refund.Amount.Amount)
            {
                throw new InvalidOperationException($"The sandbox cannot refund more than payment {refund.PaymentId} took.");
            }

            var row = new SandboxRefund
            {
                Id = NewId.Next(clock),
                SandboxPaymentId = payment.Id,
                RefundId = refund.RefundId,
                Amount = refund.Amount.Amount,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            db.Set<SandboxRefund>().Add(row);
            payment.RefundedAmount += refund.Amount.Amount;
            payment.State = SandboxPaymentState.Refunded;
            try
            {
                await db.SaveChangesAsync(ct);
                return row.Id.ToString();
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // A concurrent request for the same refund won; the loop returns its refund.
                db.ChangeTracker.Clear();
            }
        }
    }

    internal static SandboxOutcome? ParseOutcome(string? outcome) => outcome switch
    {
        "approve" => SandboxOutcome.Approve,
        "decline" => SandboxOutcome.Decline,
        "delay" => SandboxOutcome.Delay,
        _ => null,
    };

    private static SandboxNotification? Settle(SandboxPayment payment, SandboxOutcome outcome, DateTime now)
    {
        if (payment.State != SandboxPaymentState.AwaitingPayer || outcome == SandboxOutcome.Delay)
        {
            return null;
        }

        payment.State = outcome == SandboxOutcome.Approve ? SandboxPaymentState.Approved : SandboxPaymentState.Declined;
        payment.SettledAt = now;
        return SandboxNotifier.Create(payment, 2, outcome == SandboxOutcome.Approve ? "succeeded" : "declined", now);
    }
}
