namespace Tandem.Kernel.Outbox;

/// <summary>An integration event waiting to be delivered, written in the same transaction as the change it announces.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; init; }
    public required string Type { get; init; }
    public required string Payload { get; init; }
    public DateTime OccurredAt { get; init; }
    /// <summary>Failed delivery attempts so far.</summary>
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? DispatchedAt { get; set; }
    /// <summary>Set when every retry failed; an operator sees it and may replay it.</summary>
    public DateTime? ParkedAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>The dispatcher's lease: no other dispatcher claims the message before this time.</summary>
    public DateTime? LockedUntil { get; set; }
    /// <summary>The claim that holds the lease (one per dispatcher batch).</summary>
    public string? LockedBy { get; set; }
}

/// <summary>Records that a handler has processed an event, so a redelivery does nothing.</summary>
public sealed class ProcessedEvent
{
    public Guid EventId { get; init; }
    public required string Handler { get; init; }
    public DateTime ProcessedAt { get; init; }
}
