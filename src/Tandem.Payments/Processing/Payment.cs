using Tandem.Kernel;
using Tandem.Payments.Contracts;

namespace Tandem.Payments.Processing;

/// <summary>
/// One attempt to pay an order. Moves only forward: pending → succeeded | declined; succeeded → refund pending → refunded.
/// A late or repeated notification that would move it backwards changes nothing. <see cref="Version"/> is the
/// concurrency token: a notification and a cancellation racing on one payment cannot both win.
/// </summary>
internal sealed class Payment
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public Guid MerchantId { get; init; }
    public Guid PayerId { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }
    public required string Method { get; init; }
    public required string Provider { get; init; }
    public PaymentStatus Status { get; private set; }
    public DateTime CreatedAt { get; init; }
    public DateTime? SucceededAt { get; private set; }
    public DateTime? DeclinedAt { get; private set; }
    public DateTime? RefundRequestedAt { get; private set; }
    public DateTime? RefundedAt { get; private set; }
    public Guid? RefundId { get; private set; }
    public int Version { get; private set; }

    public Money Money => new(Amount, Currency);

    public bool Succeed(DateTime at)
    {
        if (Status != PaymentStatus.Pending)
        {
            return false;
        }

        Status = PaymentStatus.Succeeded;
        SucceededAt = at;
        Version++;
        return true;
    }

    public bool Decline(DateTime at)
    {
        if (Status != PaymentStatus.Pending)
        {
            return false;
        }

        Status = PaymentStatus.Declined;
        DeclinedAt = at;
        Version++;
        return true;
    }

    public Refund? RequestRefund(Guid refundId, string reason, DateTime at)
    {
        if (Status != PaymentStatus.Succeeded)
        {
            return null;
        }

        Status = PaymentStatus.RefundPending;
        RefundRequestedAt = at;
        RefundId = refundId;
        Version++;
        return new Refund { Id = refundId, PaymentId = Id, Amount = Amount, Currency = Currency, Reason = reason, RequestedAt = at };
    }

    public bool MarkRefunded(DateTime at)
    {
        if (Status != PaymentStatus.RefundPending)
        {
            return false;
        }

        Status = PaymentStatus.Refunded;
        RefundedAt = at;
        Version++;
        return true;
    }
}

/// <summary>A full refund of a payment, decided in our books and then carried out by the provider.</summary>
internal sealed class Refund
{
    public Guid Id { get; init; }
    public Guid PaymentId { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }
    public required string Reason { get; init; }
    public DateTime RequestedAt { get; init; }
    public DateTime? CompletedAt { get; set; }
    public string? ProviderReference { get; set; }
}

/// <summary>A provider notification already applied: a repeat of its id changes nothing.</summary>
internal sealed class ProcessedNotification
{
    public required string Id { get; init; }
    public required string Provider { get; init; }
    public DateTime ReceivedAt { get; init; }
}
