namespace Tandem.Delivery.Companies;

/// <summary>
/// A delivery company registered on the platform, identified in law by its unified social credit code. Its owner is its
/// dispatcher: they add riders (who become couriers carrying only the company's jobs), agree to serve stores, and watch
/// and reassign the company's jobs.
/// </summary>
internal sealed class DeliveryCompany
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string CreditCode { get; init; } = "";
    public Guid OwnerId { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>
/// The company agreed to deliver for this store. Only then may the store's manager name the company as its carrier
/// (both sides consent); the company cannot stop serving while the store still names it.
/// </summary>
internal sealed class ServedStore
{
    public Guid CompanyId { get; init; }
    public Guid StoreId { get; init; }
    public Guid MerchantId { get; init; }
    public DateTime AcceptedAt { get; init; }
}
