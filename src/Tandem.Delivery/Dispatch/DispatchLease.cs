using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tandem.Delivery.Data;
using Tandem.Kernel.Persistence;

namespace Tandem.Delivery.Dispatch;

/// <summary>One row per lease: who holds it and until when (<c>delivery_dispatch_lease</c>).</summary>
internal sealed class DispatchLeaseRow
{
    public const int HolderLength = 120;

    public string Name { get; set; } = "";

    public string? Holder { get; set; }

    public DateTime ExpiresAt { get; set; }
}

/// <summary>
/// The right to plan, shared by every host on one database: only the holder of the <c>dispatch</c> lease runs a batch.
/// Taking it is one conditional UPDATE (<c>WHERE expires_at &lt; now OR holder = me</c>), so two hosts can never both
/// succeed; the holder renews it while planning and releases it after. A host that crashes holding it loses it when it
/// expires. Times come from the kernel's <see cref="TimeProvider"/>; hosts' clocks are assumed to agree to well within
/// <see cref="DeliveryOptions.DispatchLease"/>.
/// </summary>
internal sealed class DispatchLease
{
    public const string DispatchName = "dispatch";

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly Func<TimeSpan> _duration;
    private bool _rowExists;

    public DispatchLease(IServiceScopeFactory scopes, TimeProvider clock, IOptions<DeliveryOptions> options)
        : this(scopes, clock, () => options.Value.DispatchLease, DispatchName, NewHolder())
    {
    }

    public DispatchLease(IServiceScopeFactory scopes, TimeProvider clock, Func<TimeSpan> duration, string name, string holder)
    {
        _scopes = scopes;
        _clock = clock;
        _duration = duration;
        Name = name;
        Holder = holder.Length <= DispatchLeaseRow.HolderLength ? holder : holder[..DispatchLeaseRow.HolderLength];
    }

    public string Name { get; }

    /// <summary>This host's identity in the lease row.</summary>
    public string Holder { get; }

    public TimeSpan Duration => _duration();

    /// <summary>Takes the lease if it is free, expired, or already ours (then it is extended). True when we hold it.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        await EnsureRowAsync(db, ct);
        var now = _clock.GetUtcNow().UtcDateTime;
        var until = now + Duration;
        var (name, me) = (Name, Holder);
        return await db.Set<DispatchLeaseRow>()
            .Where(l => l.Name == name && (l.ExpiresAt < now || l.Holder == me))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, me).SetProperty(l => l.ExpiresAt, until), ct) == 1;
    }

    /// <summary>Extends the lease while we still hold it; false when another host took it over (ours had expired).</summary>
    public async Task<bool> RenewAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var until = _clock.GetUtcNow().UtcDateTime + Duration;
        var (name, me) = (Name, Holder);
        return await db.Set<DispatchLeaseRow>()
            .Where(l => l.Name == name && l.Holder == me)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, until), ct) == 1;
    }

    /// <summary>Gives the lease up at once (if we still hold it), so the next host need not wait for it to expire.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        var (name, me) = (Name, Holder);
        var expired = DateTime.UnixEpoch;
        await db.Set<DispatchLeaseRow>()
            .Where(l => l.Name == name && l.Holder == me)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, (string?)null).SetProperty(l => l.ExpiresAt, expired), ct);
    }

    private async Task EnsureRowAsync(TandemDbContext db, CancellationToken ct)
    {
        if (_rowExists)
        {
            return;
        }

        // Concurrent makers do not collide: the first insert wins, the others do nothing.
        var tables = new ModuleTables(db.IsPostgres).For(new DeliveryModel().Schema);
        await db.Database.ExecuteSqlRawAsync(InsertRowSql(tables), [Name, DateTime.UnixEpoch], ct);
        _rowExists = true;
    }

    private static string InsertRowSql(ModuleTables.Naming tables) =>
        $"INSERT INTO {tables.Qualified("dispatch_lease")} (\"Name\", \"Holder\", \"ExpiresAt\") VALUES ({{0}}, NULL, {{1}}) ON CONFLICT DO NOTHING";

    private static string NewHolder() => $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
}
