using Microsoft.EntityFrameworkCore;
using Tandem.Inventory.Stock;
using Tandem.Kernel.Persistence;

namespace Tandem.Inventory.Data;

internal sealed class InventoryModel : IModuleModel
{
    public string Schema => "inventory";

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<StockItem>(b =>
        {
            b.ToModuleTable(tables, "stock_items");
            b.HasKey(s => new { s.StoreId, s.ProductId });
            // Availability looks a product up across stores.
            b.HasIndex(s => s.ProductId);
            b.HasIndex(s => s.MerchantId);
        });

        modelBuilder.Entity<StockMovement>(b =>
        {
            b.ToModuleTable(tables, "stock_movements");
            b.HasKey(m => new { m.StoreId, m.ProductId, m.Seq });
            b.Property(m => m.Reason).HasConversion(r => MovementReasons.Name(r), s => Parse(s)).HasMaxLength(20);
            b.Property(m => m.Reference).HasMaxLength(100);
            b.HasIndex(m => m.MerchantId);
        });
    }

    private static MovementReason Parse(string name) =>
        MovementReasons.TryParse(name, out var reason) ? reason : throw new InvalidOperationException($"Unknown movement reason '{name}'.");
}
