namespace Tandem.Web.Api;

/// <summary>Traceability: lots, their stock in stores, forward traces, recalls and recall notices.</summary>
public sealed partial class TandemApi
{
    public Task<ItemList<LotResult>> LotsAsync(Guid merchantId, CancellationToken ct = default) =>
        GetAsync<ItemList<LotResult>>($"merchants/{merchantId}/lots", ct);

    public Task<LotResult> RegisterLotAsync(Guid merchantId, Guid? productId, string? lot, string? origin, CancellationToken ct = default) =>
        SendAsync<LotResult>(HttpMethod.Post, $"merchants/{merchantId}/lots", new { productId, lot, origin }, ct: ct);

    public Task<LotReceiptResult> ReceiveLotAsync(Guid storeId, Guid? productId, string gtin, string lot, long? quantity, CancellationToken ct = default) =>
        SendAsync<LotReceiptResult>(HttpMethod.Post, $"stores/{storeId}/lot-receipts", new { productId, gtin, lot, quantity }, ct: ct);

    public Task<ItemList<LotStockResult>> StoreLotsAsync(Guid storeId, CancellationToken ct = default) =>
        GetAsync<ItemList<LotStockResult>>($"stores/{storeId}/lots", ct);

    public Task<TraceResult> ForwardTraceAsync(string gtin, string lot, CancellationToken ct = default) =>
        GetAsync<TraceResult>($"trace/lots/{gtin}/{Uri.EscapeDataString(lot)}/forward", ct);

    public Task<RecallResult> RecallAsync(string gtin, string lot, string? reason, CancellationToken ct = default) =>
        SendAsync<RecallResult>(HttpMethod.Post, $"trace/lots/{gtin}/{Uri.EscapeDataString(lot)}/recall", new { reason }, ct: ct);

    public Task<LotDisposalResult> DisposeLotAsync(Guid storeId, string gtin, string lot, string kind, long quantity, CancellationToken ct = default) =>
        SendAsync<LotDisposalResult>(HttpMethod.Post, $"stores/{storeId}/lots/{gtin}/{Uri.EscapeDataString(lot)}/disposals", new { kind, quantity }, ct: ct);

    public Task<RecallWithdrawalResult> WithdrawRecallAsync(Guid recallId, string reason, CancellationToken ct = default) =>
        SendAsync<RecallWithdrawalResult>(HttpMethod.Post, $"trace/recalls/{recallId}/withdraw", new { reason }, ct: ct);

    public Task<ItemList<RecallNoticeResult>> MerchantRecallNoticesAsync(Guid merchantId, CancellationToken ct = default) =>
        GetAsync<ItemList<RecallNoticeResult>>($"merchants/{merchantId}/recall-notices", ct);

    public Task<ItemList<RecallNoticeResult>> MyRecallNoticesAsync(CancellationToken ct = default) =>
        GetAsync<ItemList<RecallNoticeResult>>("me/recall-notices", ct);

    /// <summary>The public trace page of a lot (the path its QR code opens on this host).</summary>
    public static string TracePath(string gtin, string lot) => $"/01/{gtin}/10/{Uri.EscapeDataString(lot)}";

    /// <summary>The lot's QR code for a label, served by this host.</summary>
    public static string QrPath(string gtin, string lot, string format) =>
        $"/api/v1/trace/lots/{gtin}/{Uri.EscapeDataString(lot)}/qr.{format}";
}

/// <summary>A list answer without paging.</summary>
public sealed record ItemList<T>(List<T> Items);

public sealed record LotRecallResult(Guid RecallId, string Reason, bool ByRegulator, DateTime RecalledAt, string? RecalledGtin = null, string? RecalledLot = null);

public sealed record LotDisposalResult(Guid StoreId, string Gtin, string Lot, string Kind, long Quantity, Guid RecallId, long OnHand, long Blocked, long Available);

public sealed record RecallWithdrawalResult(
    Guid RecallId, string Gtin, string Lot, string Reason, DateTime WithdrawnAt, long UnblockedQuantity, int NotifiedConsumers, int NotifiedMerchants);

public sealed record LotResult(
    Guid LotId, Guid MerchantId, Guid? ProductId, string Gtin, string Lot, string ProductName, string? Origin,
    string DigitalLink, string QrPng, string QrSvg, DateTime CreatedAt, LotRecallResult? Recall = null);

public sealed record LotStockResult(
    Guid LotStockId, Guid StoreId, Guid ProductId, string Gtin, string Lot, long Received, long Remaining, long Blocked, DateTime ReceivedAt);

public sealed record LotReceiptResult(LotStockResult Lot, long OnHand, long Available);

public sealed record TracedLotResult(string Gtin, string Lot, string? ProductName, bool Recalled);

public sealed record TracedStoreResult(Guid StoreId, Guid MerchantId, string Name, string Address);

public sealed record TraceResult(
    string Gtin, string Lot, string Direction, List<TracedLotResult> Lots, List<string> Items, List<string> Containers,
    List<TracedStoreResult> Stores, int Depth);

public sealed record RecallResult(
    Guid RecallId, string Gtin, string Lot, string Reason, bool ByRegulator, DateTime RecalledAt, TraceResult Affected,
    long BlockedQuantity, List<Guid> AffectedOrderIds, int NotifiedConsumers, int NotifiedMerchants);

public sealed record RecallNoticeResult(
    Guid NoticeId, Guid RecallId, Guid? OrderId, Guid? StoreId, string Gtin, string Lot, string Reason, long Quantity, DateTime CreatedAt,
    string Kind = "recall");
