using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tandem.Web.Session;

/// <summary>
/// The cart: per store, product → quantity, kept in a plain cookie so it survives reloads and works before
/// JavaScript. It holds nothing secret; the API checks every id, price and quantity when the order is placed.
/// </summary>
public sealed class CartState
{
    public Dictionary<Guid, Dictionary<Guid, int>> Stores { get; init; } = [];

    public int Count => Stores.Values.Sum(s => s.Values.Sum());

    public int CountFor(Guid storeId, Guid productId) =>
        Stores.TryGetValue(storeId, out var lines) && lines.TryGetValue(productId, out var q) ? q : 0;

    public void Set(Guid storeId, Guid productId, int quantity)
    {
        quantity = Math.Clamp(quantity, 0, 999);
        if (!Stores.TryGetValue(storeId, out var lines))
        {
            if (quantity == 0)
            {
                return;
            }

            Stores[storeId] = lines = [];
        }

        if (quantity == 0)
        {
            lines.Remove(productId);
            if (lines.Count == 0)
            {
                Stores.Remove(storeId);
            }
        }
        else
        {
            lines[productId] = quantity;
        }
    }

    public void Add(Guid storeId, Guid productId, int quantity) => Set(storeId, productId, CountFor(storeId, productId) + quantity);

    public void Clear(Guid storeId) => Stores.Remove(storeId);
}

public static class CartCookie
{
    public const string Name = "tandem_cart";
    private const int MaxLines = 100;

    public static CartState Read(HttpContext? http)
    {
        if (http is null || !http.Request.Cookies.TryGetValue(Name, out var raw) || string.IsNullOrEmpty(raw))
        {
            return new CartState();
        }

        try
        {
            var json = Encoding.UTF8.GetString(Convert.FromBase64String(raw.Replace('-', '+').Replace('_', '/').PadRight((raw.Length + 3) / 4 * 4, '=')));
            var stores = JsonSerializer.Deserialize<Dictionary<Guid, Dictionary<Guid, int>>>(json) ?? [];
            var cart = new CartState();
            foreach (var (store, lines) in stores)
            {
                foreach (var (product, quantity) in lines.Take(MaxLines))
                {
                    cart.Set(store, product, quantity);
                }
            }

            return cart;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return new CartState();
        }
    }

    public static void Write(HttpContext http, CartState cart)
    {
        if (cart.Stores.Count == 0)
        {
            http.Response.Cookies.Delete(Name);
            return;
        }

        var json = JsonSerializer.Serialize(cart.Stores);
        var value = Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        http.Response.Cookies.Append(Name, value, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Path = "/" });
    }
}

/// <summary>Where the user is, as the browser told us (cookie <c>tandem_near</c>), or the district centre.</summary>
public static class NearCookie
{
    public const string Name = "tandem_near";

    /// <summary>The demo district's centre, West Lake in Hangzhou.</summary>
    public static readonly Api.LocationJson DistrictCentre = new(30.2741, 120.1551);

    public static (Api.LocationJson Point, bool FromBrowser) Read(HttpContext? http)
    {
        if (http is not null && http.Request.Cookies.TryGetValue(Name, out var raw) && TryParse(raw, out var point))
        {
            return (point, true);
        }

        return (DistrictCentre, false);
    }

    public static bool TryParse(string? raw, out Api.LocationJson point)
    {
        point = DistrictCentre;
        var parts = (raw is null ? null : Uri.UnescapeDataString(raw))?.Split(',');
        if (parts is not { Length: 2 }
            || !double.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var lat)
            || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var lng)
            || !double.IsFinite(lat) || !double.IsFinite(lng) || lat is < -90 or > 90 || lng is < -180 or > 180)
        {
            return false;
        }

        point = new Api.LocationJson(lat, lng);
        return true;
    }
}
