using Microsoft.EntityFrameworkCore;
using Tandem.Identity.Contracts;
using Tandem.Identity.Tokens;
using Tandem.Kernel.Persistence;

namespace Tandem.Identity.Users;

/// <summary>Roles another module grants as a consequence of its own rule (a company's rider becomes a courier), not by an admin.</summary>
internal sealed class ModuleRoleGrants(TandemDbContext db, UserSessions sessions) : IPlatformRoleGrants
{
    public Task<bool> GrantAsync(Guid userId, string role, CancellationToken ct) => ChangeAsync(userId, user => user.AddRole(role), ct);

    public Task<bool> RevokeAsync(Guid userId, string role, CancellationToken ct) => ChangeAsync(userId, user => user.RemoveRole(role), ct);

    private async Task<bool> ChangeAsync(Guid userId, Func<TandemUser, bool> change, CancellationToken ct)
    {
        var user = await db.Set<TandemUser>().SingleOrDefaultAsync(u => u.Id == userId, ct)
                   ?? throw new InvalidOperationException($"User {userId} does not exist.");
        if (!change(user))
        {
            return false;
        }

        await db.SaveChangesAsync(ct);
        // The cached session still lists the old roles on this host; other hosts catch up within their cache minute.
        sessions.Forget(userId);
        return true;
    }
}
