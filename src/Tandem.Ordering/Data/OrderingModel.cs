using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tandem.Kernel.Persistence;
using Tandem.Ordering.Counter;
using Tandem.Ordering.Orders;
using Tandem.Payments.Contracts;

namespace Tandem.Ordering.Data;

internal sealed class OrderingModel : IModuleModel
{
    public string Schema => "ordering";

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<Order>(b =>
        {
            b.ToModuleTable(tables, "orders");
            b.HasKey(o => o.Id);
            b.Property(o => o.Status).HasConversion(s => OrderStatuses.Name(s), s => ParseStatus(s)).HasMaxLength(30);
            b.Property(o => o.Fulfillment).HasConversion<string>().HasMaxLength(20);
            b.Property(o => o.CancelledBy).HasConversion<string>().HasMaxLength(20);
            b.Property(o => o.PaymentStatus)
                .HasConversion(new ValueConverter<PaymentStatus, string>(s => PaymentStatusName(s), s => ParsePaymentStatus(s)))
                .HasMaxLength(20);
            b.Property(o => o.Currency).HasMaxLength(3);
            b.Property(o => o.DeliveryAddress).HasMaxLength(200);
            b.Property(o => o.PickupCode).HasMaxLength(6);
            b.Property(o => o.OpenPickupCode).HasMaxLength(6);
            b.Property(o => o.CancelReason).HasMaxLength(200);
            b.Property(o => o.Version).IsConcurrencyToken();
            b.Ignore(o => o.StockLines);
            b.Ignore(o => o.TotalMoney);
            b.Ignore(o => o.IsOpen);
            b.Ignore(o => o.PickupCodeVisible);
            b.OwnsMany(o => o.Lines, l =>
            {
                l.ToTable(tables.Table("order_lines"), tables.SchemaName);
                l.WithOwner().HasForeignKey("OrderId");
                l.HasKey("OrderId", nameof(OrderLine.LineNo));
                l.Property(x => x.Name).HasMaxLength(200);
                l.Property(x => x.Currency).HasMaxLength(3);
                l.HasIndex(x => x.ProductId);
                l.Ignore(x => x.LineTotal);
            });
            b.Navigation(o => o.Lines).AutoInclude(false);

            // Pickup codes are unique among a store's open orders; a closed order's open code is null.
            b.HasIndex(o => new { o.StoreId, o.OpenPickupCode }).IsUnique();
            b.HasIndex(o => new { o.ConsumerId, o.Id });
            b.HasIndex(o => new { o.MerchantId, o.Id });
            b.HasIndex(o => new { o.StoreId, o.Status });
            b.HasIndex(o => new { o.Status, o.ReservationExpiresAt });
        });

        modelBuilder.Entity<PosSale>(b =>
        {
            b.ToModuleTable(tables, "pos_sales");
            b.HasKey(s => s.Id);
            b.Property(s => s.Currency).HasMaxLength(3);
            b.Property(s => s.PaymentMethod).HasMaxLength(20);
            b.OwnsMany(s => s.Lines, l =>
            {
                l.ToTable(tables.Table("pos_sale_lines"), tables.SchemaName);
                l.WithOwner().HasForeignKey("SaleId");
                l.HasKey("SaleId", nameof(PosSaleLine.LineNo));
                l.Property(x => x.Name).HasMaxLength(200);
                l.Property(x => x.Gtin).HasMaxLength(14);
                l.Ignore(x => x.LineTotal);
            });
            b.HasIndex(s => new { s.StoreId, s.Id });
        });
    }

    private static OrderStatus ParseStatus(string name) =>
        OrderStatuses.TryParse(name, out var status) ? status : throw new InvalidOperationException($"Unknown order status '{name}'.");

    private static string PaymentStatusName(PaymentStatus status) => status switch
    {
        PaymentStatus.RefundPending => "refund_pending",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static PaymentStatus ParsePaymentStatus(string name) =>
        Enum.GetValues<PaymentStatus>().Single(s => PaymentStatusName(s) == name);
}
