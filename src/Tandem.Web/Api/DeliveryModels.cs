namespace Tandem.Web.Api;

// The web app's view of the delivery API (docs/delivery.md).

public sealed record CourierJson(Guid CourierId, bool OnShift, string Vehicle, int Capacity, DateTime? ShiftStartedAt, LocationJson? LastLocation, DateTime? LastSeenAt);

public sealed record DropoffJson(string? Address, LocationJson? Location, string? NavigationUrl);

public sealed record JobJson(
    Guid JobId, Guid OrderId, Guid StoreId, string Status, int Items, LocationJson Pickup, string PickupNavigationUrl, DropoffJson? Dropoff,
    WindowJson Window, bool Asap, Guid? CourierId, bool ManualAssignment, int? RouteIndex, DateTime? PlannedPickupAt,
    DateTime? PlannedDeliveryAt, string? Flag, string? JobCode, DateTime CreatedAt, DateTime? ReadyAt, DateTime? PickedUpAt,
    DateTime? DeliveredAt, DateTime? FailedAt, string? FailureReason)
{
    /// <summary>Late: planned (or still undelivered) past the end of its window.</summary>
    public bool IsLate(DateTime now) => Flag == "late"
        || (Status is JobStatuses.Waiting or JobStatuses.Ready or JobStatuses.PickedUp && (PlannedDeliveryAt ?? now) > Window.End);
}

public sealed record JobListJson(List<JobJson> Items);

public sealed record PositionPoint(double Lat, double Lng, DateTime At, double? Accuracy);

public sealed record PositionsJson(int Accepted, int Flagged);

public sealed record DispatchCourierJson(Guid CourierId, string Vehicle, int Capacity, bool OnShift, LocationJson? LastLocation, DateTime? LastSeenAt);

public sealed record DispatchCandidateJson(Guid CourierId, string Vehicle, int Capacity, bool OnShift, double? DistanceKm, int ActiveJobs, DateTime? LastSeenAt);

public sealed record DispatchBoardJson(List<JobJson> Jobs, List<DispatchCourierJson> Couriers);

public sealed record CourierOnTheWayJson(LocationJson Location, DateTime At, string Vehicle);

public sealed record OrderDeliveryJson(Guid OrderId, Guid JobId, string Status, WindowJson Window, DateTime? PlannedDeliveryAt, CourierOnTheWayJson? Courier, int? EtaSeconds);

public sealed record DeliverySlotJson(string? Start, string? End, int? Capacity);

/// <summary>A store's delivery settings as read back; put again whole (PUT replaces them) with another carrier.</summary>
public sealed record DeliverySettingsJson(
    Guid StoreId, double? RadiusKm, System.Text.Json.JsonElement? Area, MoneyJson BaseFee, MoneyJson PerKmFee, MoneyJson? FreeAbove, MoneyJson MinimumOrder,
    int PreparationMinutes, int UtcOffsetMinutes, List<DeliverySlotJson> Slots, bool Configured, Guid? Carrier);

public sealed record CarrierJson(Guid CompanyId, string Name, bool Current);

public sealed record CompanyJson(Guid CompanyId, string Name, string CreditCode, Guid OwnerId, DateTime CreatedAt);

public sealed record RiderJson(
    Guid CourierId, string DisplayName, string Phone, bool OnShift, string Vehicle, int Capacity, int ActiveJobs, LocationJson? LastLocation, DateTime? LastSeenAt);

public sealed record ServedStoreJson(Guid StoreId, string Name, string Address, LocationJson Location, bool InUse, DateTime AcceptedAt);

public static class JobStatuses
{
    public const string Waiting = "waiting";
    public const string Ready = "ready";
    public const string PickedUp = "picked_up";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Returned = "returned";
    public const string Cancelled = "cancelled";
}
