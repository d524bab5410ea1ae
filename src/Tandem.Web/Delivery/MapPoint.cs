using Tandem.Web.Api;

namespace Tandem.Web.Delivery;

/// <summary>
/// One marker on a live delivery map. <see cref="Kind"/>: <c>store</c>, <c>dropoff</c>, <c>home</c>, <c>courier</c>
/// (carrying goods or on the way) or <c>courierIdle</c>. A <see cref="Number"/> draws it as a numbered stop of a route.
/// </summary>
public sealed record MapPoint(string Id, string Kind, LocationJson Location, string? Label = null, bool Late = false, bool Pinned = false, int? Number = null);

/// <summary>Words and marks shared by the delivery pages.</summary>
public static class DeliveryFormat
{
    public static string ShortId(Guid id) => id.ToString("N")[^6..].ToUpperInvariant();

    /// <summary>Minutes to arrival, rounded up (a courier 20 s away is "1 min").</summary>
    public static int EtaMinutes(int seconds) => Math.Max(1, (int)Math.Ceiling(seconds / 60.0));
}
