using Microsoft.EntityFrameworkCore;
using Tandem.Kernel;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Payments.Contracts;

namespace Tandem.Payments.Processing;

/// <summary>A verified notification from a provider: payment <see cref="PaymentId"/> of order <see cref="OrderId"/> is now <see cref="Status"/>.</summary>
internal sealed record ProviderNotification(string NotificationId, string Provider, Guid PaymentId, Guid OrderId, PaymentStatus Status, Money Amount);

internal enum NotificationResult
{
    Applied,
    Duplicate,
    Ignored,
    AmountMismatch,
}

/// <summary>
/// Applies provider notifications: the payment and its order change in one transaction, a repeated notification id
/// changes nothing, and a notification that would move a payment backwards (a late "pending") is recorded and ignored.
/// </summary>
internal sealed class ProviderNotifications(TandemDbContext db, PaymentService payments, IPaymentOutcomeHandler outcomes, TimeProvider clock)
{
    // Compiled once per model: every provider notification loads its payment (docs/decisions/0022).
    private static readonly CompiledQuery<Func<TandemDbContext, Guid, CancellationToken, Task<Payment?>>> PaymentById = new(() =>
        EF.CompileAsyncQuery((TandemDbContext db, Guid paymentId, CancellationToken ct) => db.Set<Payment>().SingleOrDefault(p => p.Id == paymentId)));

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Applies the notification; afterwards carries out a refund it decided (an approval nobody waits for any more).</summary>
    public async Task<NotificationResult> ApplyAsync(ProviderNotification notification, CancellationToken ct)
    {
        var (result, refund) = await UnitOfWork.RetryOnConflictAsync(() => ApplyOnceAsync(notification, ct));
        if (refund)
        {
            await payments.CompleteRefundAsync(notification.PaymentId, ct);
        }

        return result;
    }

    private async Task<(NotificationResult, bool Refund)> ApplyOnceAsync(ProviderNotification notification, CancellationToken ct)
    {
        // Reads come before the transaction, which on SQLite holds the one write lock. Every write below is guarded (the
        // notification's key, the payment's and the order's versions), so a change in between fails the save and the
        // attempt runs again from here.
        var payment = await PaymentById.For(db)(db, notification.PaymentId, ct);
        if (payment is not null && payment.Money != notification.Amount)
        {
            // Not recorded as processed: a corrected notification may follow.
            db.ChangeTracker.Clear();
            return (NotificationResult.AmountMismatch, false);
        }

        if (payment is not null && payment.OrderId == notification.OrderId && notification.Status is PaymentStatus.Succeeded or PaymentStatus.Declined)
        {
            await outcomes.PrepareAsync(payment.OrderId, ct);
        }

        await using var work = await UnitOfWork.BeginAsync(db, ct);
        var result = NotificationResult.Ignored;
        var refund = false;
        if (payment is not null && payment.OrderId == notification.OrderId)
        {
            switch (notification.Status)
            {
                case PaymentStatus.Succeeded when payment.Succeed(Now):
                    result = NotificationResult.Applied;
                    if (!await outcomes.PaymentSucceededAsync(payments.Outcome(payment), ct))
                    {
                        // The order no longer awaits this money (cancelled, expired or paid otherwise): give it back.
                        db.Set<Refund>().Add(payment.RequestRefund(NewId.Next(clock), "order_not_awaiting_payment", Now)!);
                        await outcomes.PaymentStatusChangedAsync(payments.Outcome(payment), ct);
                        refund = true;
                    }

                    break;
                case PaymentStatus.Declined when payment.Decline(Now):
                    await outcomes.PaymentStatusChangedAsync(payments.Outcome(payment), ct);
                    result = NotificationResult.Applied;
                    break;
            }
        }

        // One save for the payment and the order with its event: one batch, prepared before its first statement, which on
        // SQLite is where the transaction takes the one write lock (docs/decisions/0018). The notification's key comes
        // last: a repeat that raced this one fails the payment's version check above and runs again from its reads; one
        // that finds the payment already moved changes nothing here and is refused by the key.
        await db.SaveChangesAsync(ct);
        if (!await RecordAsync(notification, ct))
        {
            // Applied before, or by a concurrent delivery that committed first (on PostgreSQL the insert waited for it).
            await work.RollbackAsync(ct);
            return (NotificationResult.Duplicate, false);
        }

        await work.CommitAsync(ct);
        return (result, refund);
    }

    /// <summary>
    /// Records the notification's key, last thing in the transaction; false when it is there already. A repeat inserts
    /// nothing instead of failing on the unique key, so a provider's retries leave no errors in the log.
    /// </summary>
    private async Task<bool> RecordAsync(ProviderNotification notification, CancellationToken ct)
    {
        var inserted = await RecordStatement.For(db).ExecuteAsync(db, [notification.NotificationId, notification.Provider, Now], ct);
        return inserted == 1;
    }

    private static readonly PreparedStatement.PerModel RecordStatement = new(context =>
    {
        var t = PreparedStatement.TableOf<ProcessedNotification>(context);
        return PreparedStatement.Build(context,
            $"INSERT INTO {t.Name} ({t.Column(nameof(ProcessedNotification.Id))}, {t.Column(nameof(ProcessedNotification.Provider))}, " +
            $"{t.Column(nameof(ProcessedNotification.ReceivedAt))}) VALUES (@id, @provider, @at) ON CONFLICT DO NOTHING",
            [
                t.Parameter("id", nameof(ProcessedNotification.Id)), t.Parameter("provider", nameof(ProcessedNotification.Provider)),
                t.Parameter("at", nameof(ProcessedNotification.ReceivedAt)),
            ]);
    });
}
