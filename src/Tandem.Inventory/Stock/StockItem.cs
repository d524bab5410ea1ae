namespace Tandem.Inventory.Stock;

/// <summary>
/// One store's stock of one product. Changed only by single conditional UPDATE statements (see <see cref="StoreStock"/>),
/// never read-modified-written in memory. <see cref="MovementCount"/> numbers the ledger rows; <see cref="LastDelta"/>
/// is the onHand change of the latest statement, computed by the database from the row it locked.
/// </summary>
internal sealed class StockItem
{
    public Guid StoreId { get; init; }
    public Guid ProductId { get; init; }
    public Guid MerchantId { get; init; }
    public long OnHand { get; init; }
    public long Reserved { get; init; }
    /// <summary>Held back from sale (a recalled lot): reservations may take only <c>OnHand - Reserved - Blocked</c>.</summary>
    public long Blocked { get; init; }
    public long MovementCount { get; init; }
    public long LastDelta { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>Why onHand changed. The first six are chosen by people; <c>sale</c> and <c>pos_sale</c> by the system.</summary>
internal enum MovementReason
{
    Receipt,
    Count,
    Damage,
    Return,
    Transfer,
    Other,
    Sale,
    PosSale,
}

/// <summary>One change of onHand, written in the same transaction as the change. Numbered per store and product.</summary>
internal sealed class StockMovement
{
    public Guid StoreId { get; init; }
    public Guid ProductId { get; init; }
    public long Seq { get; init; }
    public Guid MerchantId { get; init; }
    public DateTime At { get; init; }
    public long Delta { get; init; }
    public MovementReason Reason { get; init; }
    public long OnHandAfter { get; init; }
    public string? Reference { get; init; }
    public Guid? Actor { get; init; }
}

internal static class MovementReasons
{
    public static string Name(MovementReason reason) => reason switch
    {
        MovementReason.PosSale => "pos_sale",
        _ => reason.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string? name, out MovementReason reason)
    {
        foreach (var candidate in Enum.GetValues<MovementReason>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.Ordinal))
            {
                reason = candidate;
                return true;
            }
        }

        reason = default;
        return false;
    }

    /// <summary>The reasons a person may give to an adjustment (API.md).</summary>
    public static readonly MovementReason[] Manual =
        [MovementReason.Receipt, MovementReason.Count, MovementReason.Damage, MovementReason.Return, MovementReason.Transfer, MovementReason.Other];
}
