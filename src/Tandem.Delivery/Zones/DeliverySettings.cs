using System.Globalization;
using System.Text.Json;
using Tandem.Kernel;

namespace Tandem.Delivery.Zones;

/// <summary>A daily delivery slot in the store's local time, with how many orders it takes.</summary>
internal sealed record SlotTemplate(TimeOnly Start, TimeOnly End, int Capacity);

/// <summary>
/// How one store delivers: where (a radius or a GeoJSON polygon), for how much (base + per km, free above a total,
/// a minimum order), how soon (preparation minutes) and in which slots. Times of day are the store's local time
/// (<see cref="UtcOffsetMinutes"/>, China Standard Time by default).
/// </summary>
internal sealed class DeliverySettings
{
    public Guid StoreId { get; init; }
    public Guid MerchantId { get; init; }
    public double? RadiusKm { get; set; }

    /// <summary>The GeoJSON Polygon as given (its first ring is the outline, holes follow), or null for a radius.</summary>
    public string? AreaGeoJson { get; set; }
    public long BaseFee { get; set; }
    public long PerKmFee { get; set; }
    public long? FreeAbove { get; set; }
    public long MinimumOrder { get; set; }
    public int PreparationMinutes { get; set; }
    public int UtcOffsetMinutes { get; set; } = 480;
    public string SlotsJson { get; set; } = "[]";

    /// <summary>The delivery company that delivers the store's orders, or null for the platform's independent couriers.</summary>
    public Guid? CarrierId { get; set; }
    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<SlotTemplate> Slots
    {
        get => JsonSerializer.Deserialize<List<SlotJson>>(SlotsJson)!
            .Select(s => new SlotTemplate(TimeOnly.Parse(s.Start, CultureInfo.InvariantCulture), TimeOnly.Parse(s.End, CultureInfo.InvariantCulture), s.Capacity))
            .ToList();
        set => SlotsJson = JsonSerializer.Serialize(value.Select(s =>
            new SlotJson(s.Start.ToString("HH:mm", CultureInfo.InvariantCulture), s.End.ToString("HH:mm", CultureInfo.InvariantCulture), s.Capacity)));
    }

    public IReadOnlyList<IReadOnlyList<GeoPoint>>? Polygon => AreaGeoJson is null ? null : GeoJsonPolygon.Parse(AreaGeoJson);

    public bool Covers(GeoPoint store, GeoPoint destination) =>
        Polygon is { } rings ? GeoJsonPolygon.Contains(rings, destination) : store.DistanceKmTo(destination) <= (RadiusKm ?? 0);

    /// <summary>Base plus the per-km rate on the straight-line distance (rounded up to the fen); free at or above <see cref="FreeAbove"/>.</summary>
    public Money FeeFor(double distanceKm, Money subtotal) =>
        FreeAbove is { } free && subtotal.Amount >= free
            ? Money.Zero
            : Money.Yuan(BaseFee + (long)Math.Ceiling(PerKmFee * distanceKm - 1e-9));

    /// <summary>The slots of a local day, as UTC instants.</summary>
    public IEnumerable<(DateTime Start, DateTime End, int Capacity)> SlotsOn(DateOnly localDate) =>
        Slots.Select(s => (ToUtc(localDate, s.Start), ToUtc(localDate, s.End), s.Capacity));

    public DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(utc.AddMinutes(UtcOffsetMinutes));

    private DateTime ToUtc(DateOnly date, TimeOnly time) =>
        DateTime.SpecifyKind(date.ToDateTime(time).AddMinutes(-UtcOffsetMinutes), DateTimeKind.Utc);

    private sealed record SlotJson(string Start, string End, int Capacity);
}

/// <summary>The few GeoJSON Polygon rules delivery areas need: parse the rings ([lng, lat] pairs) and test a point.</summary>
internal static class GeoJsonPolygon
{
    public const int MaxVertices = 1000;

    /// <summary>The rings of a GeoJSON Polygon, or null when it is not one (closed rings of at least four valid positions).</summary>
    public static IReadOnlyList<IReadOnlyList<GeoPoint>>? TryParse(JsonElement polygon)
    {
        if (polygon.ValueKind != JsonValueKind.Object
            || !polygon.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Polygon"
            || !polygon.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array
            || coordinates.GetArrayLength() == 0)
        {
            return null;
        }

        var rings = new List<IReadOnlyList<GeoPoint>>();
        var vertices = 0;
        foreach (var ring in coordinates.EnumerateArray())
        {
            if (ring.ValueKind != JsonValueKind.Array || ring.GetArrayLength() < 4)
            {
                return null;
            }

            var points = new List<GeoPoint>();
            foreach (var position in ring.EnumerateArray())
            {
                if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2
                    || position[0].ValueKind != JsonValueKind.Number || position[1].ValueKind != JsonValueKind.Number)
                {
                    return null;
                }

                var (lng, lat) = (position[0].GetDouble(), position[1].GetDouble());
                if (!GeoPoint.IsValid(lat, lng) || ++vertices > MaxVertices)
                {
                    return null;
                }

                points.Add(new GeoPoint(lat, lng));
            }

            if (points[0] != points[^1])
            {
                return null;
            }

            rings.Add(points);
        }

        return rings;
    }

    public static IReadOnlyList<IReadOnlyList<GeoPoint>> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return TryParse(document.RootElement) ?? throw new InvalidOperationException("A stored delivery area is not a GeoJSON Polygon.");
    }

    /// <summary>Inside the outline and outside every hole (even-odd ray casting on lng/lat; areas are a few km across).</summary>
    public static bool Contains(IReadOnlyList<IReadOnlyList<GeoPoint>> rings, GeoPoint p) =>
        InRing(rings[0], p) && !rings.Skip(1).Any(hole => InRing(hole, p));

    private static bool InRing(IReadOnlyList<GeoPoint> ring, GeoPoint p)
    {
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            var (a, b) = (ring[i], ring[j]);
            if ((a.Lat > p.Lat) != (b.Lat > p.Lat)
                && p.Lng < (b.Lng - a.Lng) * (p.Lat - a.Lat) / (b.Lat - a.Lat) + a.Lng)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}

/// <summary>Places taken in one slot of one store. Capacity is copied when the row is made and checked by the UPDATE that takes a place.</summary>
internal sealed class SlotBooking
{
    public Guid StoreId { get; init; }
    public DateTime SlotStart { get; init; }
    public int Capacity { get; set; }
    public int Taken { get; set; }
}
