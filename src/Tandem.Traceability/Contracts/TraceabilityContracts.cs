using Tandem.Kernel.Outbox;

namespace Tandem.Traceability.Contracts;

/// <summary>A lot of a product: its GTIN-14 and lot number (GS1 AI 10).</summary>
public sealed record LotRef(string Gtin, string Lot);

/// <summary>
/// Published when a producer or a regulator recalls a lot. The forward trace found <see cref="AffectedLots"/>
/// (the lot itself and every lot made from it or shipped with it) at <see cref="AffectedStoreIds"/>;
/// inventory and ordering react by blocking that stock from online sale and notifying buyers.
/// </summary>
public sealed record LotRecalled(
    Guid EventId,
    DateTime OccurredAt,
    Guid RecallId,
    LotRef Lot,
    string Reason,
    bool ByRegulator,
    Guid? MerchantId,
    IReadOnlyList<LotRef> AffectedLots,
    IReadOnlyList<Guid> AffectedStoreIds) : IIntegrationEvent;
