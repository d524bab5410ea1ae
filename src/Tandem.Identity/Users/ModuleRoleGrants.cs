using Microsoft.EntityFrameworkCore;
using Tandem.Identity.Contracts;
using Tandem.Identity.Tokens;
using Tandem.Kernel.Persistence;

namespace Tandem.Identity.Users;

/// <summary>Roles another module grants as a consequence of its own rule (a company's rider becomes a courier), not by an admin.</summary>
internal sealed class ModuleRoleGrants(TandemDbContext db, UserSessions sessions) : IPlatformRoleGrants
{
    public Task<bool> GrantAsync(Guid userId, string role, CancellationToken ct) =>
        ChangeAsync(userId, roles => roles.Contains(role) ? null : roles.Append(role), ct);

    public Task<bool> RevokeAsync(Guid userId, string role, CancellationToken ct) =>
        ChangeAsync(userId, roles => roles.Contains(role) ? roles.Where(r => r != role) : null, ct);

    private async Task<bool> ChangeAsync(Guid userId, Func<string[], IEnumerable<string>?> change, CancellationToken ct)
    {
        var user = await db.Set<TandemUser>().SingleOrDefaultAsync(u => u.Id == userId, ct)
                   ?? throw new InvalidOperationException($"User {userId} does not exist.");
        if (change(user.PlatformRoles.Split(',', StringSplitOptions.RemoveEmptyEntries)) is not { } changed)
        {
            return false;
        }

        user.PlatformRoles = string.Join(',', changed.Distinct().Order());
        await db.SaveChangesAsync(ct);
        // The cached session still lists the old roles on this host; other hosts catch up within their cache minute.
        sessions.Forget(userId);
        return true;
    }
}
