using System.Globalization;
using Tandem.Web.Api;

namespace Tandem.Web.Components.Shared;

/// <summary>A store's settings as the form posts them (text, as typed), and their API body.</summary>
public sealed class StoreForm
{
    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    public string? Name { get; set; }
    public string? Address { get; set; }
    public string? Lat { get; set; }
    public string? Lng { get; set; }
    public bool Pickup { get; set; } = true;
    public bool Delivery { get; set; }
    public string? RadiusKm { get; set; }
    public string? Fee { get; set; }
    public string? Opens { get; set; }
    public string? Closes { get; set; }

    public static readonly string[] ErrorFields = ["name", "address", "location", "delivery", "openingHours"];

    public static StoreForm From(StoreResult s) => new()
    {
        Name = s.Name,
        Address = s.Address,
        Lat = s.Location.Lat.ToString(CultureInfo.InvariantCulture),
        Lng = s.Location.Lng.ToString(CultureInfo.InvariantCulture),
        Pickup = s.Pickup,
        Delivery = s.Delivery is not null,
        RadiusKm = s.Delivery?.RadiusKm.ToString(CultureInfo.InvariantCulture),
        Fee = s.Delivery is null ? null : Price.ToYuanText(s.Delivery.Fee.Amount),
        Opens = s.OpeningHours?.FirstOrDefault()?.Opens,
        Closes = s.OpeningHours?.FirstOrDefault()?.Closes,
    };

    /// <summary>The JSON body; values the API would refuse are sent as typed so its errors name the field.</summary>
    public object ToBody(FormErrors local)
    {
        var lat = Number(Lat);
        var lng = Number(Lng);
        if (lat is null || lng is null)
        {
            local.Add("location", UiText.IsChinese ? "请填写有效的经纬度" : "Enter a valid latitude and longitude");
        }

        object? delivery = null;
        if (Delivery)
        {
            var radius = Number(RadiusKm);
            var fee = Api.Price.ParseYuan(Fee);
            if (radius is null)
            {
                local.Add("delivery", UiText.IsChinese ? "请填写配送半径" : "Enter the delivery radius");
            }

            if (fee is null)
            {
                local.Add("fee", UiText.IsChinese ? "请填写运费，如 5 或 5.00" : "Enter the fee, e.g. 5 or 5.00");
            }

            delivery = new { radiusKm = radius ?? 0, fee = new { amount = fee ?? 0, currency = "CNY" } };
        }

        object[]? hours = null;
        if (!string.IsNullOrWhiteSpace(Opens) && !string.IsNullOrWhiteSpace(Closes))
        {
            hours = Days.Select(d => (object)new { day = d, opens = Opens, closes = Closes }).ToArray();
        }

        return new
        {
            name = Name,
            address = Address,
            location = new { lat = lat ?? 0, lng = lng ?? 0 },
            pickup = Pickup,
            delivery,
            openingHours = hours ?? [],
        };
    }

    private static double? Number(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;
}
