using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Validation;

namespace Tandem.Merchants.Stores;

public sealed record NearbyStoreItem(Guid StoreId, string Name, Guid MerchantId, LocationDto Location, double DistanceKm);

public sealed record NearbyStoresResponse(IReadOnlyList<NearbyStoreItem> Items, string? NextCursor);

/// <summary><c>GET /stores?near=LAT,LNG&amp;radiusKm=R</c>: public, nearest first, paged by a (distance, id) cursor.</summary>
internal static class NearbyStores
{
    public const double DefaultRadiusKm = 5;
    public const double MaxRadiusKm = 50;
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static async Task<Results<Ok<NearbyStoresResponse>, ProblemHttpResult>> Handle(
        string? near, string? radiusKm, string? limit, string? cursor, StoreSearch search, CancellationToken ct)
    {
        var checks = new Checks();
        var centre = Near(checks, near);
        var radius = Number(checks, "radiusKm", radiusKm, DefaultRadiusKm);
        if (!checks.Has("radiusKm") && (radius <= 0 || radius > MaxRadiusKm))
        {
            checks.Add("radiusKm", $"must be more than 0 and at most {MaxRadiusKm}");
        }

        var take = Number(checks, "limit", limit, DefaultLimit);
        if (!checks.Has("limit") && (take < 1 || take > MaxLimit || take != Math.Floor(take)))
        {
            checks.Add("limit", $"must be a whole number from 1 to {MaxLimit}");
        }

        var after = cursor is null ? null : Cursor.Read(cursor);
        if (cursor is not null && after is null)
        {
            checks.Add("cursor", "is not a cursor this list returned");
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        var hits = await search.HitsAsync(centre, radius, merchantId: null, ct);
        var start = after is null ? 0 : FirstAfter(hits, after.Value);
        var page = hits.Skip(start).Take((int)take).ToList();
        var more = start + page.Count < hits.Count;
        return TypedResults.Ok(new NearbyStoresResponse(
            page.Select(h => new NearbyStoreItem(h.StoreId, h.Name, h.MerchantId, LocationDto.From(h.Location), h.DistanceKm)).ToList(),
            more && page.Count > 0 ? Cursor.Write(page[^1]) : null));
    }

    private static int FirstAfter(List<StoreHit> sorted, (double Distance, Guid Id) after)
    {
        // Binary search for the first hit ordered after the cursor's (distance, id).
        var cursor = new StoreHit(after.Id, Guid.Empty, "", default, after.Distance);
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (StoreSearch.NearestFirst(sorted[mid], cursor) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static GeoPoint Near(Checks checks, string? near)
    {
        if (string.IsNullOrWhiteSpace(near))
        {
            checks.Add("near", "is required, as LAT,LNG");
            return default;
        }

        var parts = near.Split(',');
        if (parts.Length == 2
            && TryDouble(parts[0], out var lat) && TryDouble(parts[1], out var lng)
            && GeoPoint.IsValid(lat, lng))
        {
            return new GeoPoint(lat, lng);
        }

        checks.Add("near", "must be LAT,LNG in decimal degrees, latitude -90 to 90 and longitude -180 to 180");
        return default;
    }

    private static double Number(Checks checks, string field, string? value, double fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        if (TryDouble(value, out var number))
        {
            return number;
        }

        checks.Add(field, "must be a number");
        return fallback;
    }

    private static bool TryDouble(string s, out double value) =>
        double.TryParse(s.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
        && double.IsFinite(value);

    /// <summary>The position after the last item of a page: its distance (round-trip exact) and id.</summary>
    private static class Cursor
    {
        public static string Write(StoreHit last) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
                string.Create(CultureInfo.InvariantCulture, $"{last.DistanceKm:R}|{last.StoreId:N}")));

        public static (double Distance, Guid Id)? Read(string cursor)
        {
            try
            {
                var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
                var parts = text.Split('|');
                return parts.Length == 2
                       && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var distance)
                       && double.IsFinite(distance)
                       && Guid.TryParseExact(parts[1], "N", out var id)
                    ? (distance, id)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
