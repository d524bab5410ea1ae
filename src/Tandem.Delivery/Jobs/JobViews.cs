using System.Globalization;
using Tandem.Kernel;

namespace Tandem.Delivery.Jobs;

public sealed record DeliveryWindowView(DateTime Start, DateTime End);

public sealed record DropoffView(string? Address, LocationDto? Location, string? NavigationUrl);

/// <summary>
/// A job as a courier or a dispatcher sees it. The consumer's address and location appear only to the courier while
/// the job is theirs and not finished, and to staff of the order's merchant.
/// </summary>
public sealed record DeliveryJobResponse(
    Guid JobId, Guid OrderId, Guid StoreId, string Status, int Items, LocationDto Pickup, string PickupNavigationUrl, DropoffView? Dropoff,
    DeliveryWindowView Window, bool Asap, Guid? CourierId, bool ManualAssignment, int? RouteIndex, DateTime? PlannedPickupAt,
    DateTime? PlannedDeliveryAt, string? Flag, string? JobCode, DateTime CreatedAt, DateTime? ReadyAt, DateTime? PickedUpAt,
    DateTime? DeliveredAt, DateTime? FailedAt, string? FailureReason)
{
    internal static DeliveryJobResponse For(DeliveryJob j, bool showDropoff, bool showJobCode) =>
        new(j.Id, j.OrderId, j.StoreId, JobStatuses.Name(j.Status), j.Items, LocationDto.From(j.Store), Navigation(j.Store),
            showDropoff ? new DropoffView(j.Address, LocationDto.From(j.Destination), Navigation(j.Destination)) : null,
            new DeliveryWindowView(j.WindowStart, j.WindowEnd), j.Asap, j.CourierId, j.ManualAssignment, j.RouteIndex,
            j.PlannedPickupAt, j.PlannedDeliveryAt, j.Flag, showJobCode ? j.JobCode : null, j.CreatedAt, j.ReadyAt, j.PickedUpAt,
            j.DeliveredAt, j.FailedAt, j.FailureReason);

    /// <summary>One tap opens turn-by-turn navigation (AMap's URI API, which every Chinese map app accepts).</summary>
    private static string Navigation(GeoPoint p) =>
        string.Create(CultureInfo.InvariantCulture, $"https://uri.amap.com/navigation?to={p.Lng:0.######},{p.Lat:0.######}&mode=ride&coordinate=wgs84");
}

public sealed record DeliveryJobListResponse(IReadOnlyList<DeliveryJobResponse> Items);
