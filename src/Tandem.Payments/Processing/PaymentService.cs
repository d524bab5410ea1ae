using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Kernel;
using Tandem.Kernel.Idempotency;
using Tandem.Kernel.Persistence;
using Tandem.Payments.Contracts;
using Tandem.Payments.Providers;

namespace Tandem.Payments.Processing;

internal sealed partial class PaymentService(
    TandemDbContext db, IEnumerable<IPaymentProvider> providers, IServiceProvider services, TimeProvider clock,
    ILogger<PaymentService> logger) : IPayments
{
    // Resolved when needed: the handler (Ordering) itself uses IPayments to request refunds.
    private IPaymentOutcomeHandler Outcomes => services.GetRequiredService<IPaymentOutcomeHandler>();

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public bool Supports(string method) => providers.Any(p => p.Name == method);

    public Guid Begin(PaymentIntent intent)
    {
        var payment = new Payment
        {
            Id = NewId.Next(clock),
            OrderId = intent.OrderId,
            MerchantId = intent.MerchantId,
            PayerId = intent.PayerId,
            Amount = intent.Amount.Amount,
            Currency = intent.Amount.Currency,
            Method = intent.Method,
            Provider = Provider(intent.Method).Name,
            CreatedAt = Now,
        };
        db.Set<Payment>().Add(payment);
        return payment.Id;
    }

    public async Task<PaymentStatus> SubmitAsync(Guid paymentId, SandboxControls? controls, CancellationToken ct)
    {
        // The payment begun in this scope is still tracked; a resubmission reads it.
        var payment = db.Set<Payment>().Local.FirstOrDefault(p => p.Id == paymentId)
            ?? await db.Set<Payment>().AsNoTracking().SingleAsync(p => p.Id == paymentId, ct);
        await Provider(payment.Provider).SubmitAsync(
            new PaymentSubmission(payment.Id, payment.OrderId, payment.PayerId, payment.Money, controls), ct);
        return await StatusAsync(paymentId, ct);
    }

    public Task<PaymentStatus> StatusAsync(Guid paymentId, CancellationToken ct) => StatusById.For(db)(db, paymentId, ct);

    // Compiled once per model: every payment answers with its status (docs/decisions/0022).
    private static readonly CompiledQuery<Func<TandemDbContext, Guid, CancellationToken, Task<PaymentStatus>>> StatusById = new(() =>
        EF.CompileAsyncQuery((TandemDbContext db, Guid paymentId, CancellationToken ct) =>
            db.Set<Payment>().AsNoTracking().Where(p => p.Id == paymentId).Select(p => p.Status).Single()));

    public async Task<PaymentStatus?> RequestRefundAsync(Guid paymentId, string reason, CancellationToken ct)
    {
        var payment = await db.Set<Payment>().SingleOrDefaultAsync(p => p.Id == paymentId, ct);
        if (payment is null)
        {
            return null;
        }

        if (payment.RequestRefund(NewId.Next(clock), reason, Now) is { } refund)
        {
            db.Set<Refund>().Add(refund);
            await db.SaveChangesAsync(ct);
        }

        return payment.Status;
    }

    public async Task CompleteRefundAsync(Guid paymentId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            // A provider is another system: never called while we hold locks. The sweeper will do it.
            return;
        }

        var payment = await db.Set<Payment>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, ct);
        if (payment is not { Status: PaymentStatus.RefundPending, RefundId: { } refundId })
        {
            return;
        }

        var refund = await db.Set<Refund>().AsNoTracking().SingleAsync(r => r.Id == refundId, ct);
        string reference;
        try
        {
            reference = await Provider(payment.Provider).RefundAsync(new ProviderRefund(refund.Id, payment.Id, payment.Money, refund.Reason), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefundFailed(e, paymentId);
            return;
        }

        await UnitOfWork.RetryOnConflictAsync(async () =>
        {
            await using var work = await UnitOfWork.BeginAsync(db, ct);
            var tracked = await db.Set<Payment>().SingleAsync(p => p.Id == paymentId, ct);
            if (tracked.MarkRefunded(Now))
            {
                var row = await db.Set<Refund>().SingleAsync(r => r.Id == refundId, ct);
                row.CompletedAt = Now;
                row.ProviderReference = reference;
                await Outcomes.PaymentStatusChangedAsync(Outcome(tracked), ct);
                await db.SaveChangesAsync(ct);
            }

            await work.CommitAsync(ct);
            return true;
        });
    }

    internal PaymentOutcome Outcome(Payment payment) => new(payment.Id, payment.OrderId, payment.Status, payment.Money, Now);

    private IPaymentProvider Provider(string name) =>
        providers.SingleOrDefault(p => p.Name == name) ?? throw new InvalidOperationException($"No payment provider '{name}'.");

    [LoggerMessage(LogLevel.Warning, "Refund of payment {PaymentId} failed at the provider; it will be retried")]
    private partial void LogRefundFailed(Exception exception, Guid paymentId);
}
