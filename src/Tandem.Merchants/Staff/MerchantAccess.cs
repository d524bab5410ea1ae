using Microsoft.EntityFrameworkCore;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Staff;

/// <summary>Roles come from the staff table: one indexed lookup per check, so a removed member loses access at once.</summary>
internal sealed class MerchantAccess(TandemDbContext db) : IMerchantAccess, IMembershipSource
{
    public async Task<MerchantRole?> RoleOfAsync(Guid userId, Guid merchantId, CancellationToken ct) =>
        await db.Set<StaffMember>().AsNoTracking()
            .Where(s => s.MerchantId == merchantId && s.UserId == userId)
            .Select(s => (MerchantRole?)s.Role)
            .FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<MerchantMembership>> MembershipsOfAsync(Guid userId, CancellationToken ct)
    {
        var rows = await db.Set<StaffMember>().AsNoTracking()
            .Where(s => s.UserId == userId)
            .OrderBy(s => s.AddedAt).ThenBy(s => s.MerchantId)
            .Select(s => new { s.MerchantId, s.Role })
            .ToListAsync(ct);
        return rows.Select(r => new MerchantMembership(r.MerchantId, StaffMember.RoleName(r.Role))).ToList();
    }
}
