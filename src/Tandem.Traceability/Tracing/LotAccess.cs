using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Tracing;

/// <summary>
/// Who may trace or recall a lot: a platform regulator, any lot; a merchant, a lot it registered (recall: its
/// managers and owner) or, for tracing, one its own events name. Anyone else is told the lot does not exist.
/// </summary>
internal sealed class LotAccess(TandemDbContext db, IMembershipSource memberships, IMerchantAccess access)
{
    public sealed record Grant(bool Regulator, Guid? MerchantId);

    public async Task<Grant?> ToTraceAsync(ClaimsPrincipal user, string lotKey, CancellationToken ct)
    {
        if (user.IsInRole(PlatformRoles.Regulator))
        {
            return new Grant(true, null);
        }

        var userId = TandemClaims.UserId(user);
        if (userId is null)
        {
            return null;
        }

        var mine = (await memberships.MembershipsOfAsync(userId.Value, ct)).Select(m => m.MerchantId).ToList();
        if (mine.Count == 0)
        {
            return null;
        }

        var owner = await db.Set<Lot>().AsNoTracking().Where(l => l.Key == lotKey && mine.Contains(l.MerchantId)).Select(l => (Guid?)l.MerchantId).FirstOrDefaultAsync(ct);
        owner ??= await db.Set<EventKey>().AsNoTracking().Where(k => k.Key == lotKey && mine.Contains(k.MerchantId)).Select(k => (Guid?)k.MerchantId).FirstOrDefaultAsync(ct);
        return owner is null ? null : new Grant(false, owner);
    }

    public async Task<(Grant? Grant, bool Forbidden)> ToRecallAsync(ClaimsPrincipal user, string lotKey, CancellationToken ct)
    {
        if (user.IsInRole(PlatformRoles.Regulator))
        {
            return (new Grant(true, null), false);
        }

        var lot = await db.Set<Lot>().AsNoTracking().FirstOrDefaultAsync(l => l.Key == lotKey, ct);
        if (lot is null)
        {
            return (null, false);
        }

        var userId = TandemClaims.UserId(user);
        var role = userId is null ? null : await access.RoleOfAsync(userId.Value, lot.MerchantId, ct);
        return role switch
        {
            null => (null, false),
            >= MerchantRole.Manager => (new Grant(false, lot.MerchantId), false),
            _ => (null, true),
        };
    }
}
