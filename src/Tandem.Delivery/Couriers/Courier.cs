using Tandem.Delivery.Routing;

namespace Tandem.Delivery.Couriers;

/// <summary>
/// A user with the platform's courier role, as dispatch sees them: on or off shift, on what vehicle, carrying how
/// much, and where they were last seen (from their accepted positions). A rider of a delivery company carries only
/// that company's jobs; an independent courier (no company) carries the jobs of stores that chose the platform.
/// </summary>
internal sealed class Courier
{
    public static readonly string[] Vehicles = [TravelProfiles.Bicycle, TravelProfiles.Scooter, TravelProfiles.Car, TravelProfiles.Default];

    public Guid UserId { get; init; }
    public bool OnShift { get; set; }
    public string Vehicle { get; set; } = TravelProfiles.Scooter;

    /// <summary>How many items the vehicle carries at once (the routing capacity).</summary>
    public int Capacity { get; set; }
    public DateTime? ShiftStartedAt { get; set; }
    public double? LastLat { get; set; }
    public double? LastLng { get; set; }
    public DateTime? LastSeenAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The delivery company the courier rides for, or null for an independent courier of the platform.</summary>
    public Guid? CompanyId { get; set; }

    /// <summary>The company's owner made them a courier (they lacked the role), so leaving the company takes the role back.</summary>
    public bool RoleFromCompany { get; set; }
}
