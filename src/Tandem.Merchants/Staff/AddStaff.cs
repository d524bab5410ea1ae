using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Identity.Contracts;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Validation;
using Tandem.Merchants.Contracts;

namespace Tandem.Merchants.Staff;

public sealed record AddStaffRequest(string? Phone, string? Role);

public sealed record StaffResponse(Guid UserId, string Role);

/// <summary>The owner adds an existing user, found by phone, as manager or staff.</summary>
internal static class AddStaff
{
    public static async Task<Results<Created<StaffResponse>, ProblemHttpResult>> Handle(
        Guid merchantId, AddStaffRequest request, ClaimsPrincipal principal, TandemDbContext db, IMerchantAccess access,
        IUserDirectory users, TimeProvider clock, CancellationToken ct)
    {
        if (await access.CheckAsync(principal, merchantId, MerchantRole.Owner, ct) is { } denied)
        {
            return denied;
        }

        var checks = new Checks();
        checks.Required("phone", request.Phone);
        MerchantRole? role = request.Role?.Trim().ToLowerInvariant() switch
        {
            "manager" => MerchantRole.Manager,
            "staff" => MerchantRole.Staff,
            _ => null,
        };
        if (request.Role is null)
        {
            checks.Add("role", "is required");
        }
        else if (role is null)
        {
            checks.Add("role", "must be manager or staff");
        }

        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (!PhoneNumber.TryParse(request.Phone, out var phone))
        {
            return ApiProblem.InvalidPhone();
        }

        var user = await users.FindByPhoneAsync(phone.Value.Value, ct);
        if (user is null)
        {
            return ApiProblem.Create(StatusCodes.Status404NotFound, "user_not_found",
                "No user has this phone number; ask them to register first.");
        }

        if (await db.Set<StaffMember>().AnyAsync(s => s.MerchantId == merchantId && s.UserId == user.UserId, ct))
        {
            return AlreadyStaff();
        }

        db.Add(new StaffMember { MerchantId = merchantId, UserId = user.UserId, Role = role!.Value, AddedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two additions of one person raced; the primary key (merchant, user) decided.
            db.ChangeTracker.Clear();
            if (await db.Set<StaffMember>().AnyAsync(s => s.MerchantId == merchantId && s.UserId == user.UserId, ct))
            {
                return AlreadyStaff();
            }

            throw;
        }

        return TypedResults.Created($"/api/v1/merchants/{merchantId}/staff", new StaffResponse(user.UserId, StaffMember.RoleName(role.Value)));
    }

    private static ProblemHttpResult AlreadyStaff() =>
        ApiProblem.Conflict("already_staff", "This user already works for the merchant.");
}
