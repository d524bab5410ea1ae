namespace Tandem.Inventory.Contracts;

/// <summary>A quantity of one product.</summary>
public sealed record StockLine(Guid ProductId, int Quantity);

/// <summary>
/// One store's stock of one product. <c>Available = OnHand - Reserved - Blocked</c>: <see cref="Blocked"/> is stock
/// held back from sale (a recalled lot) that reservations may not take.
/// </summary>
public sealed record StockLevel(Guid StoreId, Guid ProductId, long OnHand, long Reserved, long Blocked = 0)
{
    public long Available => OnHand - Reserved - Blocked;
}

/// <summary>The result of a reservation: empty <see cref="ShortProductIds"/> means every line was reserved.</summary>
public sealed record ReservationResult(IReadOnlyList<Guid> ShortProductIds)
{
    public bool Succeeded => ShortProductIds.Count == 0;
}

/// <summary>
/// The one stock of a store, shared by online orders and the counter. Every method works inside the
/// caller's open transaction on the shared DbContext, so the order and its stock change commit together;
/// the caller saves and commits. Lines are applied in product-id order so concurrent orders cannot deadlock.
/// </summary>
public interface IStock
{
    /// <summary>Reserves every line or none: one conditional update per line (<c>WHERE onHand - reserved &gt;= q</c>).</summary>
    Task<ReservationResult> ReserveAsync(Guid storeId, IReadOnlyList<StockLine> lines, CancellationToken ct);

    /// <summary>Gives reserved quantities back (order cancelled or expired).</summary>
    Task ReleaseAsync(Guid storeId, IReadOnlyList<StockLine> lines, string reference, CancellationToken ct);

    /// <summary>Reserved goods leave the store (pickup handed over): onHand and reserved both fall; movement <c>sale</c>.</summary>
    Task CommitSaleAsync(Guid storeId, IReadOnlyList<StockLine> lines, string reference, Guid? actor, CancellationToken ct);

    /// <summary>Goods that left the store come back (a delivery that failed): onHand rises; movement <c>return</c>.</summary>
    Task ReturnAsync(Guid storeId, IReadOnlyList<StockLine> lines, string reference, Guid? actor, CancellationToken ct);

    /// <summary>A counter sale: onHand falls, never refused, may go below zero; movement <c>pos_sale</c>.</summary>
    Task RecordCounterSaleAsync(Guid storeId, IReadOnlyList<StockLine> lines, string reference, Guid? actor, CancellationToken ct);

    /// <summary>
    /// The products of <paramref name="lines"/> the committed stock cannot serve now (fewer available than asked, or
    /// no stock row), in product-id order. A read: it reserves nothing, and only a reservation decides.
    /// </summary>
    Task<IReadOnlyList<Guid>> ShortAsync(Guid storeId, IReadOnlyList<StockLine> lines, CancellationToken ct);

    Task<IReadOnlyList<StockLevel>> LevelsAsync(Guid storeId, IReadOnlyCollection<Guid> productIds, CancellationToken ct);

    /// <summary>Goods arrive (a delivery received into the store): onHand rises by <paramref name="quantity"/>; movement <c>receipt</c>.</summary>
    Task<StockLevel> ReceiveAsync(Guid storeId, Guid merchantId, Guid productId, long quantity, string? reference, Guid? actor, CancellationToken ct);

    /// <summary>
    /// Holds back up to <paramref name="quantity"/> of the stock nobody has reserved (one conditional update, so a
    /// racing reservation gets either the unit or nothing); answers how much was blocked. Reservations never take blocked stock.
    /// </summary>
    Task<long> BlockAsync(Guid storeId, Guid productId, long quantity, string reference, CancellationToken ct);

    /// <summary>
    /// Gives blocked stock back to sale (a recall withdrawn): blocked falls by <paramref name="quantity"/>, never below
    /// zero, in one conditional update.
    /// </summary>
    Task UnblockAsync(Guid storeId, Guid productId, long quantity, string reference, CancellationToken ct);

    /// <summary>
    /// Blocked goods leave the store (destroyed, or returned to the supplier): onHand and blocked both fall by
    /// <paramref name="quantity"/> in one conditional update; movement <c>damage</c>, or <c>return</c> when
    /// <paramref name="returned"/>. Null, and nothing changes, when fewer than <paramref name="quantity"/> are blocked.
    /// </summary>
    Task<StockLevel?> DisposeBlockedAsync(
        Guid storeId, Guid productId, long quantity, bool returned, string reference, Guid? actor, CancellationToken ct);
}

/// <summary>
/// Told, inside the same transaction, whenever a change may have left <c>onHand &lt; reserved</c>
/// (or covered it again). Ordering implements it to flag or clear at-risk orders.
/// </summary>
public interface IStockChangeObserver
{
    Task StockChangedAsync(Guid storeId, IReadOnlyCollection<Guid> productIds, CancellationToken ct);
}

/// <summary>
/// A store's stock of one product changed. <see cref="OnHand"/> and <see cref="Reserved"/> are the levels
/// after the change; the deltas say what changed. <see cref="Reason"/> is a movement reason
/// (<c>receipt</c>, <c>count</c>, ..., <c>sale</c>, <c>pos_sale</c>) or <c>reserved</c> / <c>released</c>.
/// </summary>
public sealed record StockChanged(
    Guid EventId,
    DateTime OccurredAt,
    Guid MerchantId,
    Guid StoreId,
    Guid ProductId,
    long OnHand,
    long Reserved,
    long Available,
    long OnHandDelta,
    long ReservedDelta,
    string Reason,
    string? Reference) : Tandem.Kernel.Outbox.IIntegrationEvent;
