using Tandem.Kernel;

namespace Tandem.Merchants.Stores;

/// <summary>
/// The latitude/longitude boxes that together cover every point within a radius of a centre: the
/// prefilter the spatial index answers before the exact great-circle distance decides.
/// </summary>
internal static class SearchArea
{
    // Slack for rounding: about 1 cm. The boxes may be larger than the circle, never smaller.
    private const double MarginDegrees = 1e-7;

    /// <summary>
    /// One box, or two when the circle crosses the antimeridian (each within ±180°); a circle that
    /// contains a pole spans every longitude from that pole down.
    /// </summary>
    public static IReadOnlyList<BoundingBox> Boxes(GeoPoint centre, double radiusKm)
    {
        var angular = radiusKm / GeoPoint.EarthRadiusKm; // radians
        var dLat = Degrees(angular) + MarginDegrees;
        var minLat = centre.Lat - dLat;
        var maxLat = centre.Lat + dLat;
        if (minLat <= -90 || maxLat >= 90)
        {
            return [new BoundingBox(Math.Max(-90, minLat), Math.Min(90, maxLat), -180, 180)];
        }

        // The widest longitude of a small circle is asin(sin r / cos lat), a little more than r / cos lat.
        var ratio = Math.Sin(angular) / Math.Cos(Radians(centre.Lat));
        var dLng = ratio >= 1 ? 180 : Degrees(Math.Asin(ratio)) + MarginDegrees;
        var minLng = centre.Lng - dLng;
        var maxLng = centre.Lng + dLng;
        if (dLng >= 180 || maxLng - minLng >= 360)
        {
            return [new BoundingBox(minLat, maxLat, -180, 180)];
        }

        if (minLng < -180)
        {
            return [new BoundingBox(minLat, maxLat, -180, maxLng), new BoundingBox(minLat, maxLat, minLng + 360, 180)];
        }

        if (maxLng > 180)
        {
            return [new BoundingBox(minLat, maxLat, minLng, 180), new BoundingBox(minLat, maxLat, -180, maxLng - 360)];
        }

        return [new BoundingBox(minLat, maxLat, minLng, maxLng)];
    }

    private static double Degrees(double radians) => radians * 180 / Math.PI;

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
