using Tandem.Catalog.Contracts;
using Tandem.Kernel;

namespace Tandem.Catalog.Products;

/// <summary>Something a merchant sells, at one price in all its stores.</summary>
internal sealed class Product
{
    public Guid Id { get; init; }

    public Guid MerchantId { get; init; }

    public string Name { get; set; } = "";

    /// <summary>An optional English name beside the (usually Chinese) name.</summary>
    public string? NameEn { get; set; }

    /// <summary>Price in fen (CNY).</summary>
    public long Price { get; set; }

    /// <summary>The GTIN in its 14-digit form; unique within the merchant.</summary>
    public string? Gtin { get; set; }

    public string? Description { get; set; }

    /// <summary>The selling unit as the shop writes it: "500g", "个", "盒".</summary>
    public string? Unit { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public ProductInfo ToInfo() => new(Id, MerchantId, Name, Money.Yuan(Price), Gtin, Unit);
}
