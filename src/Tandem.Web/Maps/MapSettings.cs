using Microsoft.Extensions.Configuration;
using Tandem.Web.Api;

namespace Tandem.Web.Maps;

/// <summary>
/// The map's tile server (<c>Tandem:Web:Map</c>). Coordinates are stored in WGS 84; Chinese providers (AMap,
/// Tencent) draw in GCJ-02, so with <c>Datum=gcj02</c> every point is shifted before it is drawn. With no
/// <c>TileUrl</c> (or when tiles cannot load) the map shows the markers on a plain background.
/// </summary>
public sealed class MapSettings(IConfiguration configuration)
{
    private IConfigurationSection Section => configuration.GetSection("Tandem:Web:Map");

    /// <summary>A Leaflet URL template such as <c>https://tile.openstreetmap.org/{z}/{x}/{y}.png</c>; empty for none.</summary>
    public string TileUrl => Section["TileUrl"] ?? "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

    public string Attribution => Section["Attribution"] ?? "© OpenStreetMap";

    public string Subdomains => Section["Subdomains"] ?? "abc";

    public bool Gcj02 => string.Equals(Section["Datum"], "gcj02", StringComparison.OrdinalIgnoreCase);

    /// <summary>The point as the configured tiles expect it.</summary>
    public LocationJson ForDisplay(LocationJson wgs84)
    {
        if (!Gcj02)
        {
            return wgs84;
        }

        var (lat, lng) = ChinaDatum.Gcj02FromWgs84(wgs84.Lat, wgs84.Lng);
        return new LocationJson(lat, lng);
    }
}

/// <summary>
/// WGS 84 → GCJ-02, the datum China's maps are published in (the well-known public approximation of the
/// official transform; accurate to a metre or two). Points outside mainland China are left unchanged.
/// </summary>
public static class ChinaDatum
{
    private const double A = 6378245.0;
    private const double Ee = 0.00669342162296594323;

    public static (double Lat, double Lng) Gcj02FromWgs84(double lat, double lng)
    {
        if (OutsideChina(lat, lng))
        {
            return (lat, lng);
        }

        var dLat = TransformLat(lng - 105.0, lat - 35.0);
        var dLng = TransformLng(lng - 105.0, lat - 35.0);
        var radLat = lat / 180.0 * Math.PI;
        var magic = Math.Sin(radLat);
        magic = 1 - Ee * magic * magic;
        var sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (A * (1 - Ee) / (magic * sqrtMagic) * Math.PI);
        dLng = dLng * 180.0 / (A / sqrtMagic * Math.Cos(radLat) * Math.PI);
        return (lat + dLat, lng + dLng);
    }

    public static bool OutsideChina(double lat, double lng) => lng is < 72.004 or > 137.8347 || lat is < 0.8293 or > 55.8271;

    private static double TransformLat(double x, double y)
    {
        var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.Sqrt(Math.Abs(x));
        r += (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        r += (20.0 * Math.Sin(y * Math.PI) + 40.0 * Math.Sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
        r += (160.0 * Math.Sin(y / 12.0 * Math.PI) + 320 * Math.Sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
        return r;
    }

    private static double TransformLng(double x, double y)
    {
        var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.Sqrt(Math.Abs(x));
        r += (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        r += (20.0 * Math.Sin(x * Math.PI) + 40.0 * Math.Sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
        r += (150.0 * Math.Sin(x / 12.0 * Math.PI) + 300.0 * Math.Sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
        return r;
    }
}
