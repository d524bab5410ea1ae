using Tandem.Kernel;
using Tandem.Payments.Contracts;

namespace Tandem.Payments.Providers;

/// <summary>A payment handed to a provider. <see cref="PaymentId"/> is our id, which the provider echoes in its notifications.</summary>
internal sealed record PaymentSubmission(Guid PaymentId, Guid OrderId, Guid PayerId, Money Amount, SandboxControls? Controls);

/// <summary>A refund handed to a provider; <see cref="RefundId"/> makes a repeated request harmless.</summary>
internal sealed record ProviderRefund(Guid RefundId, Guid PaymentId, Money Amount, string Reason);

/// <summary>
/// A payment provider (the sandbox now; a real one later). Providers report outcomes asynchronously through
/// their own signed callback endpoint, never through return values, so a real provider fits the same shape.
/// Called only outside any open transaction: a provider is another system.
/// </summary>
internal interface IPaymentProvider
{
    /// <summary>The method name clients pay with, e.g. <c>sandbox</c>.</summary>
    string Name { get; }

    /// <summary>Starts the payment at the provider. Returns once the provider has accepted it (and sent what it decided at once).</summary>
    Task SubmitAsync(PaymentSubmission submission, CancellationToken ct);

    /// <summary>Refunds a succeeded payment in full; idempotent per refund id. Returns the provider's reference.</summary>
    Task<string> RefundAsync(ProviderRefund refund, CancellationToken ct);
}
