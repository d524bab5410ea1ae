using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Products;
using Tandem.Kernel.Persistence;

namespace Tandem.Catalog.Data;

internal sealed class CatalogModel : IModuleModel
{
    public string Schema => "catalog";

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<Product>(b =>
        {
            b.ToModuleTable(tables, "products");
            b.HasKey(p => p.Id);
            b.Property(p => p.Name).HasMaxLength(ProductFields.MaxNameLength);
            b.Property(p => p.NameEn).HasMaxLength(ProductFields.MaxNameLength);
            b.Property(p => p.Gtin).HasMaxLength(14).IsFixedLength();
            b.Property(p => p.Description).HasMaxLength(ProductFields.MaxDescriptionLength);
            b.Property(p => p.Unit).HasMaxLength(ProductFields.MaxUnitLength);
            // Paging a merchant's catalogue by id, and deciding concurrent uses of one GTIN (NULLs never clash).
            b.HasIndex(p => new { p.MerchantId, p.Id });
            b.HasIndex(p => new { p.MerchantId, p.Gtin }).IsUnique();
        });
    }
}
