using Tandem.Kernel;

namespace Tandem.Delivery.Jobs;

/// <summary>Where a job stands. Waiting (paid, being packed) and ready jobs are planned; picked-up jobs ride with their courier.</summary>
internal enum JobStatus
{
    Waiting,
    Ready,
    PickedUp,
    Delivered,
    Failed,
    Returned,
    Cancelled,
}

/// <summary>
/// One delivery order to carry from its store to its consumer, inside a promised window. A dispatch batch (or a
/// dispatcher by hand) gives it a courier and a planned pickup and drop-off time; when no courier on shift can serve it
/// in its window it carries a flag the dispatcher sees, instead of being planned late.
/// </summary>
internal sealed class DeliveryJob
{
    public const int MaxWrongCodes = 5;

    public static readonly JobStatus[] Active = [JobStatus.Waiting, JobStatus.Ready, JobStatus.PickedUp];

    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public Guid MerchantId { get; init; }
    public Guid StoreId { get; init; }

    /// <summary>The delivery company carrying the job (the store's carrier when it was paid), or null for the platform's couriers.</summary>
    public Guid? CarrierId { get; init; }
    public Guid ConsumerId { get; init; }
    public double StoreLat { get; init; }
    public double StoreLng { get; init; }
    public string Address { get; init; } = "";
    public double DestinationLat { get; init; }
    public double DestinationLng { get; init; }
    public int Items { get; init; }
    public bool Asap { get; init; }
    public DateTime WindowStart { get; init; }
    public DateTime WindowEnd { get; init; }

    /// <summary>Six characters printed on the parcel label; the store scans it when the courier collects.</summary>
    public string JobCode { get; init; } = "";
    public JobStatus Status { get; set; }
    public Guid? CourierId { get; set; }

    /// <summary>A dispatcher chose the courier: batches keep the assignment and plan around it.</summary>
    public bool ManualAssignment { get; set; }
    public int? RouteIndex { get; set; }
    public DateTime? PlannedPickupAt { get; set; }
    public DateTime? PlannedDeliveryAt { get; set; }

    /// <summary>Why the job cannot be served in its window (<c>no_courier</c>, <c>unreachable</c>, <c>no_capacity_left</c>, <c>late</c>), or null.</summary>
    public string? Flag { get; set; }
    public DateTime CreatedAt { get; init; }

    /// <summary>When the store should have it packed (paid + preparation minutes): the earliest planned pickup.</summary>
    public DateTime ExpectedReadyAt { get; init; }
    public DateTime? ReadyAt { get; set; }
    public DateTime? AssignedAt { get; set; }
    public DateTime? PickedUpAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public DateTime? FailedAt { get; set; }
    public string? FailureReason { get; set; }
    public DateTime? ReturnedAt { get; set; }
    public DateTime? CancelledAt { get; set; }
    public int Version { get; set; }

    public GeoPoint Store => new(StoreLat, StoreLng);

    public GeoPoint Destination => new(DestinationLat, DestinationLng);

    public bool IsActive => Active.Contains(Status);

    /// <summary>True when delivered by the end of the promised window.</summary>
    public bool OnTime => DeliveredAt is { } at && at <= WindowEnd;

    public void Touch() => Version++;
}

internal static class JobStatuses
{
    public static string Name(JobStatus status) => status switch
    {
        JobStatus.PickedUp => "picked_up",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string? name, out JobStatus status)
    {
        foreach (var candidate in Enum.GetValues<JobStatus>())
        {
            if (Name(candidate) == name)
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
