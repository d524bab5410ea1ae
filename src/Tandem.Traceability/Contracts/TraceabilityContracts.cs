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

/// <summary>
/// Published with a recall once its effects are in place: <see cref="BlockedQuantity"/> units of the affected lots
/// held back from sale across stores, and a notice written for each consumer whose order held one
/// (<see cref="OrderIds"/>) and each merchant whose store holds, sold or handled one.
/// </summary>
public sealed record RecallNoticesIssued(
    Guid EventId,
    DateTime OccurredAt,
    Guid RecallId,
    LotRef Lot,
    string Reason,
    long BlockedQuantity,
    IReadOnlyList<Guid> ConsumerIds,
    IReadOnlyList<Guid> OrderIds,
    IReadOnlyList<Guid> MerchantIds) : IIntegrationEvent;

/// <summary>
/// Published when the party that recalled a lot withdraws the recall (a false alarm): <see cref="UnblockedQuantity"/>
/// units still blocked by it went back on sale, and the consumers and merchants it had notified were told.
/// </summary>
public sealed record RecallWithdrawn(
    Guid EventId,
    DateTime OccurredAt,
    Guid RecallId,
    LotRef Lot,
    string Reason,
    long UnblockedQuantity,
    IReadOnlyList<Guid> ConsumerIds,
    IReadOnlyList<Guid> MerchantIds) : IIntegrationEvent;

/// <summary>
/// The parties of the demo chains, made by the demo seeder through the merchants and catalogue modules.
/// GTINs default to the demo products' own when their product ids are given and carry one.
/// </summary>
public sealed record DemoTraceParties(
    Guid TeaCoopMerchantId, Guid TeaGardenStoreId, Guid TeaShopMerchantId, Guid TeaShopStoreId,
    Guid StrawberryFarmMerchantId, Guid StrawberryFarmStoreId, Guid GrocerMerchantId, Guid GrocerStoreId,
    Guid? TeaProductId = null, Guid? StrawberryProductId = null, Guid? SeededBy = null);

/// <summary>What the demo seeder made: the lots' Digital Links (their QR codes open the trace pages).</summary>
public sealed record DemoTraceResult(IReadOnlyList<string> LotPaths);

/// <summary>Loads the demo district's trace chains (West Lake Longjing: co-op to tea shop; strawberries: farm to grocer).</summary>
public interface ITraceDemo
{
    /// <summary>Registers the demo lots and captures their EPCIS events; does nothing for lots that already exist.</summary>
    Task<DemoTraceResult> SeedAsync(DemoTraceParties parties, CancellationToken ct);
}
