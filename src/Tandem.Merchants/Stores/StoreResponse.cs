using Tandem.Kernel;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Stores;

/// <summary>Delivery terms in JSON: <c>{"radiusKm": 3, "fee": {"amount": 500, "currency": "CNY"}}</c>.</summary>
public sealed record DeliveryDto(double? RadiusKm, MoneyDto? Fee);

public sealed record StoreResponse(
    Guid StoreId, Guid MerchantId, string Name, string Address, LocationDto Location, bool Pickup,
    DeliveryDto? Delivery, IReadOnlyList<OpeningPeriodDto>? OpeningHours)
{
    internal static StoreResponse From(Store s) =>
        new(s.Id, s.MerchantId, s.Name, s.Address, LocationDto.From(s.Location), s.Pickup,
            s.Delivery is { } d ? new DeliveryDto(d.RadiusKm, MoneyDto.From(d.Fee)) : null,
            Stores.OpeningHours.ToDto(s.OpeningHours));
}

/// <summary>The rules a store's fields share between opening and editing it.</summary>
internal static class StoreRules
{
    public const double MaxDeliveryRadiusKm = 50;

    /// <summary>
    /// Validates delivery terms; null input means no delivery. <paramref name="unsupportedCurrency"/> is set
    /// (and no error added) when only the fee's currency is wrong, which API.md answers with its own code.
    /// </summary>
    public static DeliveryTerms? Delivery(Checks checks, string field, DeliveryDto? dto, out bool unsupportedCurrency)
    {
        unsupportedCurrency = false;
        if (dto is null)
        {
            return null;
        }

        if (dto.RadiusKm is null)
        {
            checks.Add($"{field}.radiusKm", "is required");
        }
        else if (!double.IsFinite(dto.RadiusKm.Value) || dto.RadiusKm <= 0 || dto.RadiusKm > MaxDeliveryRadiusKm)
        {
            checks.Add($"{field}.radiusKm", $"must be more than 0 and at most {MaxDeliveryRadiusKm}");
        }

        var fee = checks.NonNegativeMoney($"{field}.fee", dto.Fee);
        unsupportedCurrency = fee.Currency != Money.Cny;
        return new DeliveryTerms(dto.RadiusKm ?? 0, fee);
    }
}
