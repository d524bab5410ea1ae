using Tandem.Kernel;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Stores;

/// <summary>A physical shop of a merchant: where goods are sold at the counter, picked up and delivered from.</summary>
internal sealed class Store
{
    public Guid Id { get; init; }

    public Guid MerchantId { get; init; }

    public string Name { get; set; } = "";

    public string Address { get; set; } = "";

    public double Lat { get; set; }

    public double Lng { get; set; }

    public bool Pickup { get; set; }

    /// <summary>Delivery radius in km; null when the store does not deliver.</summary>
    public double? DeliveryRadiusKm { get; set; }

    /// <summary>Delivery fee in fen (CNY); set exactly when <see cref="DeliveryRadiusKm"/> is.</summary>
    public long? DeliveryFee { get; set; }

    /// <summary>The weekly schedule in its canonical text form (see <see cref="OpeningHours"/>); null when not published.</summary>
    public string? OpeningHours { get; set; }

    /// <summary>
    /// SQLite only: the integer key of the store's entry in the R*Tree index, assigned by the
    /// insert trigger of the StoreSpatialIndex migration. Never set by the application.
    /// </summary>
    public long? SpatialKey { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public GeoPoint Location => new(Lat, Lng);

    public DeliveryTerms? Delivery =>
        DeliveryRadiusKm is { } radius && DeliveryFee is { } fee ? new DeliveryTerms(radius, Money.Yuan(fee)) : null;

    public void OfferDelivery(DeliveryTerms? terms)
    {
        DeliveryRadiusKm = terms?.RadiusKm;
        DeliveryFee = terms?.Fee.Amount;
    }

    public StoreInfo ToInfo() => new(Id, MerchantId, Name, Address, Location, Pickup, Delivery);
}
