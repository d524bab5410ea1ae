using Tandem.Kernel;

namespace Tandem.Payments.Contracts;

/// <summary>Where a payment stands. <c>refund_pending</c>: a refund was decided and the provider has not confirmed it yet.</summary>
public enum PaymentStatus
{
    Pending,
    Succeeded,
    Declined,
    RefundPending,
    Refunded,
}

/// <summary>What is to be paid: an order's total, by its consumer, to its merchant.</summary>
public sealed record PaymentIntent(Guid OrderId, Guid MerchantId, Guid PayerId, Money Amount, string Method);

/// <summary>
/// Test controls of the sandbox provider (ignored by real providers): <c>outcome</c> approve, decline or delay
/// (the payer settles later); each notification sent <c>repeat</c> times; notifications in reverse order
/// (<c>reorder</c>); <c>latencyMs</c> before the provider answers.
/// </summary>
public sealed record SandboxControls(string? Outcome, int? Repeat, bool? Reorder, int? LatencyMs);

/// <summary>Payments for other modules: start one, refund one. Payments knows orders only by id.</summary>
public interface IPayments
{
    /// <summary>The methods an online payment may use (v1: <c>sandbox</c>).</summary>
    bool Supports(string method);

    /// <summary>Adds a pending payment to the caller's unit of work (saved and committed by the caller); returns its id.</summary>
    Guid Begin(PaymentIntent intent);

    /// <summary>
    /// After the caller committed: hands the payment to its provider. The provider reports through its callback;
    /// this returns the payment's status once the provider has delivered what it decided at once.
    /// </summary>
    Task<PaymentStatus> SubmitAsync(Guid paymentId, SandboxControls? controls, CancellationToken ct);

    /// <summary>In the caller's transaction: decides a full refund of a succeeded payment. Returns the payment's status afterwards.</summary>
    Task<PaymentStatus?> RequestRefundAsync(Guid paymentId, string reason, CancellationToken ct);

    /// <summary>
    /// After the caller committed: carries out a decided refund with the provider. Safe to call again; what is
    /// not done now is retried in the background.
    /// </summary>
    Task CompleteRefundAsync(Guid paymentId, CancellationToken ct);
}

/// <summary>A payment's new status, as told to the module that asked for the payment.</summary>
public sealed record PaymentOutcome(Guid PaymentId, Guid OrderId, PaymentStatus Status, Money Amount, DateTime At);

/// <summary>
/// Implemented by the module that takes payments (Ordering), so Payments does not depend on it. Called inside
/// the transaction that records the provider's notification: the payment and the order change together.
/// </summary>
/// <remarks>
/// The handler changes tracked rows and publishes events inside the caller's transaction; the caller saves them,
/// together with its own changes, in one <c>SaveChanges</c>.
/// </remarks>
public interface IPaymentOutcomeHandler
{
    /// <summary>
    /// Reads the order an outcome is about ahead of the transaction that records it (its version guards the write),
    /// so that transaction holds only writes.
    /// </summary>
    Task PrepareAsync(Guid orderId, CancellationToken ct);

    /// <summary>The money arrived. True to keep it (the order is now paid); false to refund it (the order no longer awaits payment).</summary>
    Task<bool> PaymentSucceededAsync(PaymentOutcome outcome, CancellationToken ct);

    /// <summary>Any other change (declined, refund pending, refunded), for the order to mirror.</summary>
    Task PaymentStatusChangedAsync(PaymentOutcome outcome, CancellationToken ct);
}
