using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Staff;

/// <summary>One person on the staff list; <see cref="Phone"/> is shown to the owner and managers only.</summary>
public sealed record StaffMemberResponse(Guid UserId, string DisplayName, string Role, DateTime AddedAt, string? Phone = null);

public sealed record StaffListResponse(IReadOnlyList<StaffMemberResponse> Items);

/// <summary>Who works for a merchant, owner first.</summary>
internal static class ListStaff
{
    public static async Task<Results<Ok<StaffListResponse>, ProblemHttpResult>> Handle(
        Guid merchantId, ClaimsPrincipal principal, TandemDbContext db, IMerchantAccess access, IUserDirectory users, CancellationToken ct)
    {
        if (await access.CheckAsync(principal, merchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var callerRole = await access.RoleOfAsync(principal.RequiredUserId(), merchantId, ct);
        var members = await db.Set<StaffMember>().AsNoTracking()
            .Where(s => s.MerchantId == merchantId)
            .ToListAsync(ct);
        var people = await users.FindManyAsync(members.Select(m => m.UserId).ToList(), ct);
        var items = new List<StaffMemberResponse>(members.Count);
        foreach (var member in members.OrderByDescending(m => m.Role).ThenBy(m => m.AddedAt).ThenBy(m => m.UserId))
        {
            var user = people.GetValueOrDefault(member.UserId);
            items.Add(new StaffMemberResponse(member.UserId, user?.DisplayName ?? "", StaffMember.RoleName(member.Role), member.AddedAt,
                callerRole >= MerchantRole.Manager ? user?.Phone : null));
        }

        return TypedResults.Ok(new StaffListResponse(items));
    }
}
