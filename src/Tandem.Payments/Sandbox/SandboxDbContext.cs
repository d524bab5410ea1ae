using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Persistence;

namespace Tandem.Payments.Sandbox;

/// <summary>
/// The sandbox provider's own books. The sandbox stands for another company's payment system, so its books are not
/// Tandem's: on SQLite they live in a file of their own (their commits do not queue behind Tandem's single writer, as
/// a real provider's never would), on PostgreSQL in the schema <c>sandbox</c>. Nothing in Tandem joins them, and they
/// have their own migration history.
/// </summary>
internal sealed class SandboxDbContext(DbContextOptions<SandboxDbContext> options) : DbContext(options)
{
    /// <summary>The schema on PostgreSQL and the table prefix on SQLite.</summary>
    public const string Schema = "sandbox";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var tables = new ModuleTables(Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL").For(Schema);
        modelBuilder.Entity<SandboxPayment>(b =>
        {
            b.ToModuleTable(tables, "payments");
            b.HasKey(p => p.Id);
            b.HasIndex(p => p.PaymentId).IsUnique();
            b.Property(p => p.Currency).HasMaxLength(3);
            b.Property(p => p.State).HasConversion<string>().HasMaxLength(20).IsConcurrencyToken();
        });

        modelBuilder.Entity<SandboxRefund>(b =>
        {
            b.ToModuleTable(tables, "refunds");
            b.HasKey(r => r.Id);
            b.HasIndex(r => r.RefundId).IsUnique();
            b.HasIndex(r => r.SandboxPaymentId);
        });

        modelBuilder.Entity<SandboxNotification>(b =>
        {
            b.ToModuleTable(tables, "notifications");
            b.HasKey(n => n.Id);
            b.Property(n => n.Id).HasMaxLength(100);
            b.Property(n => n.Status).HasMaxLength(20);
            b.HasIndex(n => n.PaymentId);
            b.HasIndex(n => n.SandboxPaymentId);
            b.HasIndex(n => new { n.DeliveredAt, n.NextAttemptAt });
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
}
