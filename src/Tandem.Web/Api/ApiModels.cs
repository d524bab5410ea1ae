using System.Text.Json.Serialization;

namespace Tandem.Web.Api;

// The web app's own view of the public API (API.md). It is a client like any partner app,
// so it keeps its own records instead of referencing module internals.

public sealed record MoneyJson(long Amount, string Currency)
{
    public static MoneyJson Cny(long fen) => new(fen, "CNY");

    /// <summary>¥12.99, as a shop prints it.</summary>
    public override string ToString() => Price.Format(this);
}

public sealed record LocationJson(double Lat, double Lng);

public sealed record Page<T>(List<T> Items, string? NextCursor);

public sealed record TokenResult(Guid UserId, string AccessToken, DateTime ExpiresAt);

public sealed record Membership(Guid MerchantId, string Role);

public sealed record MeResult(Guid UserId, string DisplayName, string Phone, List<Membership> Merchants);

public sealed record MerchantResult(Guid MerchantId, string Name, string? CreditCode, string? Role = null);

public sealed record DeliveryJson(double RadiusKm, MoneyJson Fee);

public sealed record OpeningPeriodJson(string Day, string Opens, string Closes);

public sealed record StoreResult(
    Guid StoreId, Guid MerchantId, string Name, string? Address, LocationJson Location, bool Pickup, DeliveryJson? Delivery,
    double? DistanceKm = null, List<OpeningPeriodJson>? OpeningHours = null);

public sealed record ProductResult(
    Guid ProductId, Guid MerchantId, string Name, MoneyJson Price, string? Gtin = null, string? Description = null, string? Unit = null,
    string? NameEn = null)
{
    /// <summary>The English name when the page is in English and one exists.</summary>
    public string DisplayName => !UiText.IsChinese && !string.IsNullOrWhiteSpace(NameEn) ? NameEn : Name;
}

/// <summary>A product on a store's shelf, as the public storefront lists it.</summary>
public sealed record ShelfItem(Guid ProductId, string Name, MoneyJson Price, long Available, string? Gtin = null, string? Unit = null, string? NameEn = null)
{
    public string DisplayName => !UiText.IsChinese && !string.IsNullOrWhiteSpace(NameEn) ? NameEn : Name;
}

/// <summary>A search hit: a product of one merchant, and the nearby stores that have it now.</summary>
public sealed record ProductHit(Guid ProductId, Guid MerchantId, string Name, MoneyJson Price, List<AvailabilityResult> Stores, string? NameEn = null, string? Unit = null)
{
    public string DisplayName => !UiText.IsChinese && !string.IsNullOrWhiteSpace(NameEn) ? NameEn : Name;
}

public sealed record StockResult(Guid StoreId, Guid ProductId, long OnHand, long Reserved, long Available);

public sealed record ImportResult(int Created, int Updated, int Counts);

public sealed record MovementResult(DateTime At, long Delta, string Reason, long OnHandAfter, string? Reference, Guid? Actor);

public sealed record StockListItem(Guid StoreId, Guid ProductId, string? Name, long OnHand, long Reserved, long Available, long Blocked = 0);

public sealed record AvailabilityResult(Guid StoreId, string StoreName, long Available, double DistanceKm);

public sealed record StaffResult(Guid UserId, string Role, string? DisplayName = null, string? Phone = null, DateTime? AddedAt = null);

public sealed record OrderLineJson(Guid ProductId, string Name, int Quantity, MoneyJson UnitPrice, MoneyJson LineTotal);

public sealed record FulfillmentJson(string Type, string? Address = null, LocationJson? Location = null, WindowJson? Window = null);

public sealed record WindowJson(DateTime Start, DateTime End);

public sealed record PaymentRef(Guid PaymentId, string Status);

public sealed record OrderResult(
    Guid OrderId, Guid MerchantId, Guid StoreId, Guid ConsumerId, string Status, List<OrderLineJson> Lines,
    MoneyJson Subtotal, MoneyJson? DeliveryFee, MoneyJson Total, FulfillmentJson Fulfillment, PaymentRef? Payment,
    string? PickupCode, bool AtRisk, DateTime CreatedAt, DateTime? PaidAt, DateTime? AcceptedAt, DateTime? ReadyAt,
    DateTime? CompletedAt, DateTime? CancelledAt, string? CancelReason, DateTime? ReservationExpiresAt, string? DeliveryCode = null)
{
    public bool IsOpen => Status is OrderStatus.AwaitingPayment or OrderStatus.Paid or OrderStatus.Accepted
        or OrderStatus.ReadyForPickup or OrderStatus.ReadyForDispatch;
}

public static class OrderStatus
{
    public const string AwaitingPayment = "awaiting_payment";
    public const string Paid = "paid";
    public const string Accepted = "accepted";
    public const string ReadyForPickup = "ready_for_pickup";
    public const string ReadyForDispatch = "ready_for_dispatch";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
}

public sealed record PaymentResult(Guid PaymentId, string Status);

public sealed record SaleLineJson(Guid? ProductId, string? Name, int Quantity, MoneyJson? UnitPrice, MoneyJson? LineTotal);

public sealed record SaleResult(Guid SaleId, MoneyJson Total, List<SaleLineJson> Lines);

/// <summary>An RFC 9457 problem as the API sends it.</summary>
public sealed record ProblemJson(int Status, string? Title, string? Detail, string? Code)
{
    [JsonPropertyName("errors")]
    public Dictionary<string, string[]>? Errors { get; init; }

    [JsonPropertyName("productIds")]
    public List<Guid>? ProductIds { get; init; }

    /// <summary>Wrong delivery codes the courier may still enter before the job locks.</summary>
    [JsonPropertyName("attemptsLeft")]
    public int? AttemptsLeft { get; init; }
}
