namespace Tandem.Payments.Sandbox;

/// <summary>Settings under <c>Tandem:Payments:Sandbox</c>.</summary>
internal sealed class SandboxOptions
{
    /// <summary>Approve at once when the payer gives no outcome (otherwise the payment waits for the payer to settle it).</summary>
    public bool AutoApprove { get; set; } = true;

    /// <summary>The HMAC-SHA256 key of callbacks. Required.</summary>
    public string? Secret { get; set; }

    /// <summary>Where callbacks go; by default the host's own first listening address.</summary>
    public string? CallbackBaseUrl { get; set; }

    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

internal enum SandboxPaymentState
{
    AwaitingPayer,
    Approved,
    Declined,
    Refunded,
}

/// <summary>The sandbox provider's own record of a payment: it is another system, with its own books.</summary>
internal sealed class SandboxPayment
{
    public Guid Id { get; init; }

    /// <summary>The merchant's (our) payment id, echoed in every notification.</summary>
    public Guid PaymentId { get; init; }
    public Guid OrderId { get; init; }
    public Guid PayerId { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }
    public SandboxPaymentState State { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime? SettledAt { get; set; }
    public long RefundedAmount { get; set; }
}

internal sealed class SandboxRefund
{
    public Guid Id { get; init; }
    public Guid SandboxPaymentId { get; init; }

    /// <summary>The merchant's refund id: a repeated refund request returns the first refund.</summary>
    public Guid RefundId { get; init; }
    public long Amount { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>A notification the sandbox owes the merchant, kept until delivered (retried in the background).</summary>
internal sealed class SandboxNotification
{
    public required string Id { get; init; }
    public Guid SandboxPaymentId { get; init; }
    public Guid PaymentId { get; init; }
    public int Sequence { get; init; }
    public required string Status { get; init; }

    /// <summary>The exact JSON body that is signed and sent.</summary>
    public required string Payload { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? DeliveredAt { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
}
