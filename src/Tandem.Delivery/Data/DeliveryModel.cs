using Microsoft.EntityFrameworkCore;
using Tandem.Delivery.Companies;
using Tandem.Delivery.Couriers;
using Tandem.Delivery.Dispatch;
using Tandem.Delivery.Jobs;
using Tandem.Delivery.Tracking;
using Tandem.Delivery.Zones;
using Tandem.Kernel.Persistence;

namespace Tandem.Delivery.Data;

internal sealed class DeliveryModel : IModuleModel
{
    public string Schema => "delivery";

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<DeliverySettings>(b =>
        {
            b.ToModuleTable(tables, "store_settings");
            b.HasKey(s => s.StoreId);
            b.Property(s => s.SlotsJson).HasMaxLength(4000);
            b.Property(s => s.AreaGeoJson).HasMaxLength(100_000);
            b.Ignore(s => s.Slots);
            b.Ignore(s => s.Polygon);
            b.HasIndex(s => s.MerchantId);
            b.HasIndex(s => s.CarrierId);
        });

        modelBuilder.Entity<SlotBooking>(b =>
        {
            b.ToModuleTable(tables, "slot_bookings");
            b.HasKey(s => new { s.StoreId, s.SlotStart });
        });

        modelBuilder.Entity<Courier>(b =>
        {
            b.ToModuleTable(tables, "couriers");
            b.HasKey(c => c.UserId);
            b.Property(c => c.Vehicle).HasMaxLength(20);
            b.HasIndex(c => c.OnShift);
            b.HasIndex(c => c.CompanyId);
        });

        modelBuilder.Entity<DeliveryCompany>(b =>
        {
            b.ToModuleTable(tables, "companies");
            b.HasKey(c => c.Id);
            b.Property(c => c.Name).HasMaxLength(100);
            b.Property(c => c.CreditCode).HasMaxLength(18);
            b.HasIndex(c => c.CreditCode).IsUnique();
            b.HasIndex(c => c.OwnerId);
        });

        modelBuilder.Entity<ServedStore>(b =>
        {
            b.ToModuleTable(tables, "company_stores");
            b.HasKey(s => new { s.CompanyId, s.StoreId });
            b.HasIndex(s => s.StoreId);
        });

        modelBuilder.Entity<DeliveryJob>(b =>
        {
            b.ToModuleTable(tables, "jobs");
            b.HasKey(j => j.Id);
            b.Property(j => j.Status).HasConversion(s => JobStatuses.Name(s), s => ParseStatus(s)).HasMaxLength(20);
            b.Property(j => j.Address).HasMaxLength(200);
            b.Property(j => j.JobCode).HasMaxLength(8);
            b.Property(j => j.Flag).HasMaxLength(40);
            b.Property(j => j.FailureReason).HasMaxLength(40);
            b.Property(j => j.Version).IsConcurrencyToken();
            b.Ignore(j => j.Store);
            b.Ignore(j => j.Destination);
            b.Ignore(j => j.IsActive);
            b.Ignore(j => j.OnTime);
            b.HasIndex(j => j.OrderId).IsUnique();
            b.HasIndex(j => new { j.StoreId, j.JobCode });
            b.HasIndex(j => new { j.Status, j.CourierId });
            b.HasIndex(j => new { j.CourierId, j.Status });
            b.HasIndex(j => new { j.StoreId, j.CreatedAt });
            b.HasIndex(j => new { j.CarrierId, j.Status });
        });

        modelBuilder.Entity<DispatchLeaseRow>(b =>
        {
            b.ToModuleTable(tables, "dispatch_lease");
            b.HasKey(l => l.Name);
            b.Property(l => l.Name).HasMaxLength(40);
            b.Property(l => l.Holder).HasMaxLength(DispatchLeaseRow.HolderLength);
        });

        modelBuilder.Entity<CourierPosition>(b =>
        {
            b.ToModuleTable(tables, "positions");
            b.HasKey(p => p.Id);
            b.HasIndex(p => new { p.CourierId, p.At });
            b.HasIndex(p => p.At);
        });
    }

    private static JobStatus ParseStatus(string name) =>
        JobStatuses.TryParse(name, out var status) ? status : throw new InvalidOperationException($"Unknown job status '{name}'.");
}
