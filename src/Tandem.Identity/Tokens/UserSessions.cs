using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Identity.Users;
using Tandem.Kernel.Persistence;

namespace Tandem.Identity.Tokens;

/// <summary>
/// Answers "is this user's token still good?" per request: the user exists, is not locked out
/// and still has the security stamp the token was issued with. Cached for at most a minute,
/// and dropped at once on this host when the user is locked, deleted or changes password.
/// </summary>
internal sealed class UserSessions(IMemoryCache cache, IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    private sealed record Snapshot(string? SecurityStamp, DateTimeOffset? LockoutEnd, string PlatformRoles);

    public async Task<(bool Valid, string[] PlatformRoles)> CheckAsync(Guid userId, string stamp, CancellationToken ct)
    {
        var snapshot = await cache.GetOrCreateAsync(Key(userId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
            return await db.Set<TandemUser>().AsNoTracking()
                .Where(u => u.Id == userId)
                .Select(u => new Snapshot(u.SecurityStamp, u.LockoutEnd, u.PlatformRoles))
                .FirstOrDefaultAsync(ct);
        });

        if (snapshot is null || !string.Equals(snapshot.SecurityStamp, stamp, StringComparison.Ordinal))
        {
            return (false, []);
        }

        if (snapshot.LockoutEnd is { } end && end > clock.GetUtcNow())
        {
            return (false, []);
        }

        return (true, snapshot.PlatformRoles.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    public void Forget(Guid userId) => cache.Remove(Key(userId));

    private static string Key(Guid userId) => $"tandem:session:{userId:N}";
}
