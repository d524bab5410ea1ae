using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Outbox;

namespace Tandem.Kernel.Persistence;

internal sealed class KernelModel : IModuleModel
{
    public string Schema => "kernel";

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<DataProtectionKey>(b =>
        {
            b.ToModuleTable(tables, "data_protection_keys");
        });

        modelBuilder.Entity<OutboxMessage>(b =>
        {
            b.ToModuleTable(tables, "outbox");
            b.HasKey(m => m.Id);
            b.Property(m => m.Type).HasMaxLength(200);
            b.Property(m => m.LastError).HasMaxLength(4000);
            b.Property(m => m.LockedBy).HasMaxLength(64);
            // The dispatcher's only query: undelivered, unparked, due.
            b.HasIndex(m => new { m.DispatchedAt, m.ParkedAt, m.NextAttemptAt });
        });

        modelBuilder.Entity<ProcessedEvent>(b =>
        {
            b.ToModuleTable(tables, "processed_events");
            b.HasKey(p => new { p.EventId, p.Handler });
            b.Property(p => p.Handler).HasMaxLength(200);
            // Old records are pruned with their delivered messages.
            b.HasIndex(p => p.ProcessedAt);
        });
    }
}
