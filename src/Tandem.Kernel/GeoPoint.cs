namespace Tandem.Kernel;

/// <summary>A WGS 84 position. Distances are great-circle on the mean Earth radius.</summary>
public readonly record struct GeoPoint(double Lat, double Lng)
{
    public const double EarthRadiusKm = 6371.0088;

    public static bool IsValid(double lat, double lng) =>
        double.IsFinite(lat) && double.IsFinite(lng) && lat is >= -90 and <= 90 && lng is >= -180 and <= 180;

    /// <summary>Haversine distance in kilometres.</summary>
    public double DistanceKmTo(GeoPoint other)
    {
        var dLat = DegreesToRadians(other.Lat - Lat);
        var dLng = DegreesToRadians(other.Lng - Lng);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
              + Math.Cos(DegreesToRadians(Lat)) * Math.Cos(DegreesToRadians(other.Lat)) * Math.Sin(dLng / 2) * Math.Sin(dLng / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static double DegreesToRadians(double degrees) => degrees * Math.PI / 180;
}

/// <summary>A lat/lng rectangle within ±90° / ±180° (a circle across the antimeridian is covered by two).</summary>
public readonly record struct BoundingBox(double MinLat, double MaxLat, double MinLng, double MaxLng);

/// <summary>The JSON shape of a location: <c>{"lat": 30.27, "lng": 120.15}</c>.</summary>
public sealed record LocationDto(double? Lat, double? Lng)
{
    public static LocationDto From(GeoPoint p) => new(p.Lat, p.Lng);
}
