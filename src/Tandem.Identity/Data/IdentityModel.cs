using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Identity.Users;
using Tandem.Kernel.Persistence;

namespace Tandem.Identity.Data;

/// <summary>Maps Identity's user tables into the shared model (what IdentityUserContext would do).</summary>
internal sealed class IdentityModel : IModuleModel
{
    public string Schema => "identity";

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<TandemUser>(b =>
        {
            b.ToModuleTable(tables, "users");
            b.HasKey(u => u.Id);
            b.HasIndex(u => u.NormalizedUserName).IsUnique();
            b.HasIndex(u => u.PhoneNumber).IsUnique();
            b.Property(u => u.ConcurrencyStamp).IsConcurrencyToken();
            b.Property(u => u.UserName).HasMaxLength(32);
            b.Property(u => u.NormalizedUserName).HasMaxLength(32);
            b.Property(u => u.PhoneNumber).HasMaxLength(16);
            b.Property(u => u.Email).HasMaxLength(256);
            b.Property(u => u.NormalizedEmail).HasMaxLength(256);
            b.Property(u => u.DisplayName).HasMaxLength(100);
            b.Property(u => u.PlatformRoles).HasMaxLength(100);
        });

        modelBuilder.Entity<IdentityUserClaim<Guid>>(b =>
        {
            b.ToModuleTable(tables, "user_claims");
            b.HasKey(c => c.Id);
            b.HasOne<TandemUser>().WithMany().HasForeignKey(c => c.UserId).IsRequired();
        });

        modelBuilder.Entity<IdentityUserLogin<Guid>>(b =>
        {
            b.ToModuleTable(tables, "user_logins");
            b.HasKey(l => new { l.LoginProvider, l.ProviderKey });
            b.HasOne<TandemUser>().WithMany().HasForeignKey(l => l.UserId).IsRequired();
        });

        modelBuilder.Entity<IdentityUserToken<Guid>>(b =>
        {
            b.ToModuleTable(tables, "user_tokens");
            b.HasKey(t => new { t.UserId, t.LoginProvider, t.Name });
            b.HasOne<TandemUser>().WithMany().HasForeignKey(t => t.UserId).IsRequired();
        });
    }
}
