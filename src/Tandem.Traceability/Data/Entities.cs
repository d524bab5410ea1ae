namespace Tandem.Traceability.Data;

/// <summary>One captured EPCIS event: its JSON as received, the facts queries filter on, and its link in the merchant's hash chain.</summary>
internal sealed class StoredEvent
{
    public long Id { get; set; }
    public Guid MerchantId { get; set; }
    public Guid CaptureId { get; set; }
    /// <summary>The eventID as sent, or the one Tandem assigned when it had none.</summary>
    public required string EventId { get; set; }
    public bool EventIdAssigned { get; set; }
    public required string Type { get; set; }
    public string? Action { get; set; }
    public string? BizStep { get; set; }
    public string? Disposition { get; set; }
    public string? ReadPoint { get; set; }
    public string? BizLocation { get; set; }
    public DateTime EventTime { get; set; }
    public DateTime RecordTime { get; set; }
    /// <summary>The event object exactly as received (UTF-8 JSON text).</summary>
    public required string Json { get; set; }
    /// <summary>The <c>@context</c> of the document it came in, so namespace prefixes still resolve when served alone.</summary>
    public string? Context { get; set; }
    public long ChainSeq { get; set; }
    public required string PrevHash { get; set; }
    public required string Hash { get; set; }
}

/// <summary>A normalised identifier an event names, in a role (epc, parent, input, output, class, ...).</summary>
internal sealed class EventKey
{
    public long EventRowId { get; set; }
    public Guid MerchantId { get; set; }
    public required string Role { get; set; }
    public required string Key { get; set; }
}

/// <summary>An edge of the trace graph: input to transformation to output, or child to the parent that carries it.</summary>
internal sealed class TraceLink
{
    public long Id { get; set; }
    public required string FromKey { get; set; }
    public required string ToKey { get; set; }
    public required string Kind { get; set; }
    public long EventRowId { get; set; }
    public Guid MerchantId { get; set; }
}

/// <summary>A capture job (EPCIS REST binding): accepted documents are applied in full or not at all.</summary>
internal sealed class CaptureJob
{
    public Guid Id { get; set; }
    public Guid MerchantId { get; set; }
    public Guid CapturedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public bool Success { get; set; }
    public int EventCount { get; set; }
    public string? ErrorsJson { get; set; }
}

/// <summary>The head of a merchant's hash chain; its sequence is the concurrency token that serialises appends.</summary>
internal sealed class MerchantChain
{
    public Guid MerchantId { get; set; }
    public long LastSeq { get; set; }
    public required string LastHash { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A chain head signed with the platform key and published, so rewriting history is detectable.</summary>
internal sealed class ChainCheckpoint
{
    public long Id { get; set; }
    public Guid MerchantId { get; set; }
    public long Seq { get; set; }
    public required string Hash { get; set; }
    public DateTime SignedAt { get; set; }
    public required string KeyId { get; set; }
    public required string Signature { get; set; }
}

/// <summary>The platform's signing key (ECDSA P-256); the private half is protected with Data Protection.</summary>
internal sealed class SigningKey
{
    public required string KeyId { get; set; }
    public required string PublicKeyPem { get; set; }
    public required string ProtectedPrivateKey { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A batch of a product, registered by the merchant that produced it: the unit of QR codes, trace pages and recalls.</summary>
internal sealed class Lot
{
    public Guid Id { get; set; }
    public Guid MerchantId { get; set; }
    public Guid? ProductId { get; set; }
    public required string Gtin { get; set; }
    public required string LotNumber { get; set; }
    public required string Key { get; set; }
    public required string ProductName { get; set; }
    public string? Origin { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A recall of a lot, by its producer or a regulator.</summary>
internal sealed class Recall
{
    public Guid Id { get; set; }
    public required string LotKey { get; set; }
    public required string Gtin { get; set; }
    public required string LotNumber { get; set; }
    public Guid? MerchantId { get; set; }
    public Guid RecalledBy { get; set; }
    public bool ByRegulator { get; set; }
    public required string Reason { get; set; }
    public DateTime RecalledAt { get; set; }
    /// <summary>How many lots and stores the forward trace found when the recall was made.</summary>
    public int AffectedLots { get; set; }
    public int AffectedStores { get; set; }
    /// <summary>Set when the recalling party withdrew it (a false alarm): the row stays, the recall is no longer active.</summary>
    public DateTime? WithdrawnAt { get; set; }
    public Guid? WithdrawnBy { get; set; }
    public string? WithdrawalReason { get; set; }
}

/// <summary>A lot a recall reached when it was made: the recalled lot and every lot the forward trace found.</summary>
internal sealed class RecalledLot
{
    public Guid RecallId { get; set; }
    public required string LotKey { get; set; }
}

/// <summary>
/// Stock of one lot at one store that a recall blocked and that is still blocked by it: disposals take from it,
/// and withdrawing the recall lifts what is left.
/// </summary>
internal sealed class RecallBlock
{
    public Guid Id { get; set; }
    public Guid RecallId { get; set; }
    public Guid LotStockId { get; set; }
    public Guid StoreId { get; set; }
    public Guid ProductId { get; set; }
    public long Quantity { get; set; }
}

/// <summary>
/// A quantity of one lot received into a store's stock of a product. Sales draw from a store's lots first in,
/// first out (<see cref="Remaining"/> falls); a recall holds the rest back (<see cref="Blocked"/>).
/// </summary>
internal sealed class LotStock
{
    public Guid Id { get; set; }
    public Guid StoreId { get; set; }
    public Guid MerchantId { get; set; }
    public Guid ProductId { get; set; }
    public required string LotKey { get; set; }
    public required string Gtin { get; set; }
    public required string LotNumber { get; set; }
    public long Received { get; set; }
    public long Remaining { get; set; }
    public long Blocked { get; set; }
    public DateTime ReceivedAt { get; set; }
    public Guid ReceivedBy { get; set; }
}

/// <summary>A quantity of a lot that left a store in an online order or a counter sale (attributed FIFO by receipt).</summary>
internal sealed class LotSale
{
    public Guid Id { get; set; }
    public Guid LotStockId { get; set; }
    public required string LotKey { get; set; }
    public required string Gtin { get; set; }
    public required string LotNumber { get; set; }
    public Guid StoreId { get; set; }
    public Guid MerchantId { get; set; }
    public Guid ProductId { get; set; }
    public long Quantity { get; set; }
    public Guid? OrderId { get; set; }
    public Guid? CounterSaleId { get; set; }
    public Guid? ConsumerId { get; set; }
    public DateTime SoldAt { get; set; }
}

/// <summary>What a recall told one party: a consumer about an order that held the lot, or a merchant about a store.</summary>
internal sealed class RecallNotice
{
    public Guid Id { get; set; }
    public Guid RecallId { get; set; }
    /// <summary><c>consumer</c> or <c>merchant</c>.</summary>
    public required string Audience { get; set; }
    /// <summary><c>recall</c>, or <c>withdrawal</c> when the recall was withdrawn.</summary>
    public string Kind { get; set; } = "recall";
    public Guid? ConsumerId { get; set; }
    public Guid? MerchantId { get; set; }
    public Guid? StoreId { get; set; }
    public Guid? OrderId { get; set; }
    public required string Gtin { get; set; }
    public required string LotNumber { get; set; }
    public required string Reason { get; set; }
    /// <summary>For a consumer: how much of the lot the order held; for a merchant: how much stock the recall blocked at the store.</summary>
    public long Quantity { get; set; }
    public DateTime CreatedAt { get; set; }
}
