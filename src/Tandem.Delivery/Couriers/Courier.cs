using Tandem.Delivery.Routing;

namespace Tandem.Delivery.Couriers;

/// <summary>
/// A user with the platform's courier role, as dispatch sees them: on or off shift, on what vehicle, carrying how
/// much, and where they were last seen (from their accepted positions).
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
}
