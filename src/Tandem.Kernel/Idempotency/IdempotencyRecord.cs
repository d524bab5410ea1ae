using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Persistence;

namespace Tandem.Kernel.Idempotency;

internal enum IdempotencyState
{
    /// <summary>
    /// Claimed; the first request runs (or died before committing anything). Written only by the earlier lease design:
    /// a key is now written with its answer (docs/decisions/0023), and such rows are taken over once their lease ran out.
    /// </summary>
    Running = 1,

    /// <summary>The effect committed and a provisional answer is stored; the first request still runs (awaits a provider).</summary>
    Committed = 2,

    /// <summary>The answer is stored and is replayed to every retry.</summary>
    Completed = 3,
}

/// <summary>
/// One Idempotency-Key of one caller on one route. The primary key (scope, key) is what keeps two hosts
/// from running the same request twice; the lease token fences a request whose lease was taken over.
/// </summary>
internal sealed class IdempotencyRecord
{
    public required string Scope { get; init; }
    public required string Key { get; init; }
    public required string RequestHash { get; init; }
    public IdempotencyState State { get; set; }
    public Guid LeaseToken { get; set; }
    public DateTime LeaseExpiresAt { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    public int? ResponseStatus { get; set; }
    public string? ResponseContentType { get; set; }
    public string? ResponseLocation { get; set; }
    public byte[]? ResponseBody { get; set; }
}

internal sealed class IdempotencyModel : IModuleModel
{
    public string Schema => "kernel";

    public void Configure(ModelBuilder modelBuilder, ModuleTables.Naming tables)
    {
        modelBuilder.Entity<IdempotencyRecord>(b =>
        {
            b.ToModuleTable(tables, "idempotency_keys");
            b.HasKey(r => new { r.Scope, r.Key });
            b.Property(r => r.Scope).HasMaxLength(400);
            b.Property(r => r.Key).HasMaxLength(255);
            b.Property(r => r.RequestHash).HasMaxLength(64);
            b.Property(r => r.ResponseContentType).HasMaxLength(200);
            b.Property(r => r.ResponseLocation).HasMaxLength(2000);
            b.HasIndex(r => r.ExpiresAt);
        });
    }
}
