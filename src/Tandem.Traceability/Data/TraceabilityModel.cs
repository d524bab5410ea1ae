using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Persistence;

namespace Tandem.Traceability.Data;

internal sealed class TraceabilityModel : IModuleModel
{
    public const int KeyLength = 400;

    public string Schema => "trace";

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<StoredEvent>(b =>
        {
            b.ToModuleTable(tables, "events");
            b.HasKey(e => e.Id);
            b.Property(e => e.Id).ValueGeneratedOnAdd();
            b.Property(e => e.EventId).HasMaxLength(KeyLength + 100);
            b.Property(e => e.Type).HasMaxLength(200);
            b.Property(e => e.Action).HasMaxLength(10);
            b.Property(e => e.BizStep).HasMaxLength(200);
            b.Property(e => e.Disposition).HasMaxLength(200);
            b.Property(e => e.ReadPoint).HasMaxLength(KeyLength + 100);
            b.Property(e => e.BizLocation).HasMaxLength(KeyLength + 100);
            b.Property(e => e.PrevHash).HasMaxLength(64);
            b.Property(e => e.Hash).HasMaxLength(64);
            b.HasIndex(e => new { e.MerchantId, e.EventId }).IsUnique();
            b.HasIndex(e => new { e.MerchantId, e.ChainSeq }).IsUnique();
            b.HasIndex(e => new { e.MerchantId, e.EventTime, e.Id });
            b.HasIndex(e => new { e.MerchantId, e.RecordTime, e.Id });
            b.HasIndex(e => new { e.EventTime, e.Id });
            b.HasIndex(e => e.BizLocation);
            b.HasIndex(e => e.CaptureId);
        });

        modelBuilder.Entity<EventKey>(b =>
        {
            b.ToModuleTable(tables, "event_keys");
            b.HasKey(k => new { k.EventRowId, k.Role, k.Key });
            b.Property(k => k.Role).HasMaxLength(10);
            b.Property(k => k.Key).HasMaxLength(KeyLength + 100);
            // MATCH_ queries and the trace page start from an identifier.
            b.HasIndex(k => new { k.Key, k.Role, k.EventRowId });
        });

        modelBuilder.Entity<TraceLink>(b =>
        {
            b.ToModuleTable(tables, "links");
            b.HasKey(l => l.Id);
            b.Property(l => l.FromKey).HasMaxLength(KeyLength + 100);
            b.Property(l => l.ToKey).HasMaxLength(KeyLength + 100);
            b.Property(l => l.Kind).HasMaxLength(10);
            // The trace walks the graph one frontier at a time, in both directions.
            b.HasIndex(l => new { l.FromKey, l.Kind, l.ToKey });
            b.HasIndex(l => new { l.ToKey, l.Kind, l.FromKey });
        });

        modelBuilder.Entity<CaptureJob>(b =>
        {
            b.ToModuleTable(tables, "capture_jobs");
            b.HasKey(j => j.Id);
        });

        modelBuilder.Entity<MerchantChain>(b =>
        {
            b.ToModuleTable(tables, "chains");
            b.HasKey(c => c.MerchantId);
            b.Property(c => c.LastHash).HasMaxLength(64);
            b.Property(c => c.LastSeq).IsConcurrencyToken();
        });

        modelBuilder.Entity<ChainCheckpoint>(b =>
        {
            b.ToModuleTable(tables, "chain_checkpoints");
            b.HasKey(c => c.Id);
            b.Property(c => c.Hash).HasMaxLength(64);
            b.Property(c => c.KeyId).HasMaxLength(64);
            b.Property(c => c.Signature).HasMaxLength(200);
            b.HasIndex(c => new { c.MerchantId, c.Seq });
        });

        modelBuilder.Entity<SigningKey>(b =>
        {
            b.ToModuleTable(tables, "signing_keys");
            b.HasKey(k => k.KeyId);
            b.Property(k => k.KeyId).HasMaxLength(64);
        });

        modelBuilder.Entity<Lot>(b =>
        {
            b.ToModuleTable(tables, "lots");
            b.HasKey(l => l.Id);
            b.Property(l => l.Gtin).HasMaxLength(14);
            b.Property(l => l.LotNumber).HasMaxLength(20);
            b.Property(l => l.Key).HasMaxLength(KeyLength + 100);
            b.Property(l => l.ProductName).HasMaxLength(200);
            b.Property(l => l.Origin).HasMaxLength(200);
            b.HasIndex(l => l.Key).IsUnique();
            b.HasIndex(l => new { l.MerchantId, l.CreatedAt });
        });

        modelBuilder.Entity<LotStock>(b =>
        {
            b.ToModuleTable(tables, "lot_stock");
            b.HasKey(l => l.Id);
            b.Property(l => l.LotKey).HasMaxLength(KeyLength + 100);
            b.Property(l => l.Gtin).HasMaxLength(14);
            b.Property(l => l.LotNumber).HasMaxLength(20);
            // FIFO: a store's lots of a product in order of receipt; a recall finds a lot's stock everywhere.
            b.HasIndex(l => new { l.StoreId, l.ProductId, l.ReceivedAt });
            b.HasIndex(l => l.LotKey);
        });

        modelBuilder.Entity<LotSale>(b =>
        {
            b.ToModuleTable(tables, "lot_sales");
            b.HasKey(l => l.Id);
            b.Property(l => l.LotKey).HasMaxLength(KeyLength + 100);
            b.Property(l => l.Gtin).HasMaxLength(14);
            b.Property(l => l.LotNumber).HasMaxLength(20);
            b.HasIndex(l => l.LotKey);
            b.HasIndex(l => l.OrderId);
            b.HasIndex(l => l.ConsumerId);
        });

        modelBuilder.Entity<RecallNotice>(b =>
        {
            b.ToModuleTable(tables, "recall_notices");
            b.HasKey(n => n.Id);
            b.Property(n => n.Audience).HasMaxLength(10);
            b.Property(n => n.Gtin).HasMaxLength(14);
            b.Property(n => n.LotNumber).HasMaxLength(20);
            b.Property(n => n.Reason).HasMaxLength(500);
            b.Property(n => n.Kind).HasMaxLength(10).HasDefaultValue("recall");
            b.HasIndex(n => new { n.ConsumerId, n.CreatedAt });
            b.HasIndex(n => new { n.MerchantId, n.CreatedAt });
            b.HasIndex(n => n.RecallId);
        });

        modelBuilder.Entity<Recall>(b =>
        {
            b.ToModuleTable(tables, "recalls");
            b.HasKey(r => r.Id);
            b.Property(r => r.LotKey).HasMaxLength(KeyLength + 100);
            b.Property(r => r.Gtin).HasMaxLength(14);
            b.Property(r => r.LotNumber).HasMaxLength(20);
            b.Property(r => r.Reason).HasMaxLength(500);
            b.Property(r => r.WithdrawalReason).HasMaxLength(500);
            // One active recall per lot; a withdrawn one leaves room for a new recall. Same column name on both providers.
            b.HasIndex(r => r.LotKey).IsUnique().HasFilter("\"WithdrawnAt\" IS NULL");
        });

        modelBuilder.Entity<RecalledLot>(b =>
        {
            b.ToModuleTable(tables, "recall_lots");
            b.HasKey(l => new { l.RecallId, l.LotKey });
            b.Property(l => l.LotKey).HasMaxLength(KeyLength + 100);
            b.HasIndex(l => l.LotKey);
        });

        modelBuilder.Entity<RecallBlock>(b =>
        {
            b.ToModuleTable(tables, "recall_blocks");
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.RecallId);
            b.HasIndex(x => x.LotStockId);
        });
    }
}
