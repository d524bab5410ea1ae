using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Staff;

namespace Tandem.Merchants.Merchants;

/// <summary>A merchant as its own staff see it.</summary>
internal static class GetMerchant
{
    public static async Task<Results<Ok<MerchantResponse>, ProblemHttpResult>> Handle(
        Guid merchantId, ClaimsPrincipal principal, TandemDbContext db, CancellationToken ct)
    {
        var userId = principal.RequiredUserId();
        var found = await db.Set<Merchant>().AsNoTracking()
            .Where(m => m.Id == merchantId)
            .Join(db.Set<StaffMember>().Where(s => s.UserId == userId), m => m.Id, s => s.MerchantId, (m, s) => new { m, s.Role })
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return ApiProblem.NotFound();
        }

        var m = found.m;
        return TypedResults.Ok(new MerchantResponse(m.Id, m.Name, m.CreditCode, m.CreatedAt, StaffMember.RoleName(found.Role)));
    }
}
