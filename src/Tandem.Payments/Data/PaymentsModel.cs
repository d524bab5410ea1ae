using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Persistence;
using Tandem.Payments.Contracts;
using Tandem.Payments.Processing;

namespace Tandem.Payments.Data;

internal sealed class PaymentsModel : IModuleModel
{
    public string Schema => "payments";

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<Payment>(b =>
        {
            b.ToModuleTable(tables, "payments");
            b.HasKey(p => p.Id);
            b.Property(p => p.Currency).HasMaxLength(3);
            b.Property(p => p.Method).HasMaxLength(20);
            b.Property(p => p.Provider).HasMaxLength(20);
            b.Property(p => p.Status).HasConversion(s => Name(s), s => Parse(s)).HasMaxLength(20);
            b.Property(p => p.Version).IsConcurrencyToken();
            b.Ignore(p => p.Money);
            b.HasIndex(p => p.OrderId);
            b.HasIndex(p => new { p.Status, p.RefundRequestedAt });
        });

        modelBuilder.Entity<Refund>(b =>
        {
            b.ToModuleTable(tables, "refunds");
            b.HasKey(r => r.Id);
            b.Property(r => r.Currency).HasMaxLength(3);
            b.Property(r => r.Reason).HasMaxLength(100);
            b.Property(r => r.ProviderReference).HasMaxLength(100);
            b.HasIndex(r => r.PaymentId);
        });

        modelBuilder.Entity<ProcessedNotification>(b =>
        {
            b.ToModuleTable(tables, "processed_notifications");
            b.HasKey(n => new { n.Provider, n.Id });
            b.Property(n => n.Id).HasMaxLength(100);
            b.Property(n => n.Provider).HasMaxLength(20);
        });
    }

    internal static string Name(PaymentStatus status) => status switch
    {
        PaymentStatus.RefundPending => "refund_pending",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static PaymentStatus Parse(string name) =>
        Enum.GetValues<PaymentStatus>().Single(s => Name(s) == name);
}
