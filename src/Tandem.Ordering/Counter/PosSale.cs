namespace Tandem.Ordering.Counter;

/// <summary>A sale at the counter: goods in hand, paid there. Takes stock without a reservation and is never refused for stock.</summary>
internal sealed class PosSale
{
    public Guid Id { get; init; }
    public Guid StoreId { get; init; }
    public Guid MerchantId { get; init; }
    public Guid CashierId { get; init; }
    public DateTime CreatedAt { get; init; }
    public long Total { get; init; }
    public required string Currency { get; init; }
    public required string PaymentMethod { get; init; }
    public List<PosSaleLine> Lines { get; init; } = [];
}

internal sealed class PosSaleLine
{
    public int LineNo { get; init; }
    public Guid ProductId { get; init; }

    /// <summary>The GTIN-14 when the line was scanned.</summary>
    public string? Gtin { get; init; }
    public required string Name { get; init; }
    public int Quantity { get; init; }
    public long UnitPrice { get; init; }

    public long LineTotal => checked(UnitPrice * Quantity);
}
