using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Merchants;
using Tandem.Merchants.Staff;
using Tandem.Merchants.Stores;

namespace Tandem.Merchants.Data;

/// <summary>The merchants module's tables: merchants, staff and stores.</summary>
internal sealed class MerchantsModel : IModuleModel
{
    public const string SchemaName = "merchants";

    /// <summary>The SQLite R*Tree over store locations (created by the StoreSpatialIndex migration).</summary>
    public const string SqliteStoreIndex = "merchants_stores_rtree";

    public string Schema => SchemaName;

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<Merchant>(b =>
        {
            b.ToModuleTable(tables, "merchants");
            b.HasKey(m => m.Id);
            b.Property(m => m.Name).HasMaxLength(100);
            b.Property(m => m.CreditCode).HasMaxLength(18);
            // Decides concurrent sign-ups of one business: the loser gets credit_code_taken.
            b.HasIndex(m => m.CreditCode).IsUnique();
        });

        modelBuilder.Entity<StaffMember>(b =>
        {
            b.ToModuleTable(tables, "staff");
            b.HasKey(s => new { s.MerchantId, s.UserId });
            b.HasIndex(s => s.UserId);
            b.Property(s => s.Role).HasConversion<int>();
        });

        modelBuilder.Entity<Store>(b =>
        {
            b.ToModuleTable(tables, "stores");
            b.HasKey(s => s.Id);
            b.HasIndex(s => s.MerchantId);
            b.Property(s => s.Name).HasMaxLength(100);
            b.Property(s => s.Address).HasMaxLength(200);
            b.Property(s => s.OpeningHours).HasMaxLength(1000);
            b.Ignore(s => s.Location);
            b.Ignore(s => s.Delivery);
            if (tables.Postgres)
            {
                // PostgreSQL indexes point(Lng, Lat) with GiST instead (StoreSpatialIndex migration).
                b.Ignore(s => s.SpatialKey);
            }
            else
            {
                // The R*Tree join's lookup, covering everything the search reads (no table access).
                b.HasIndex(s => new { s.SpatialKey, s.Lat, s.Lng, s.Id, s.MerchantId, s.Name }).IsUnique();
                // The R*Tree triggers; declared so EF never relies on RETURNING for this table.
                b.ToTable(t =>
                {
                    t.HasTrigger("merchants_stores_spatial_insert");
                    t.HasTrigger("merchants_stores_spatial_move");
                    t.HasTrigger("merchants_stores_spatial_delete");
                });
            }
        });
    }
}
