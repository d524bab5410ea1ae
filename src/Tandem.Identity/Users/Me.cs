using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Http;
using Tandem.Kernel.Tenancy;

namespace Tandem.Identity.Users;

public sealed record MeResponse(Guid UserId, string DisplayName, string Phone, IReadOnlyList<MerchantMembership> Merchants, IReadOnlyList<string> PlatformRoles);

internal static class Me
{
    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Handle(
        ClaimsPrincipal principal, UserManager<TandemUser> users, IMembershipSource memberships, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(principal.RequiredUserId().ToString());
        if (user is null)
        {
            return ApiProblem.Unauthenticated("The user no longer exists.");
        }

        var merchants = await memberships.MembershipsOfAsync(user.Id, ct);
        return TypedResults.Ok(new MeResponse(user.Id, user.DisplayName, user.PhoneNumber!, merchants,
            user.Roles));
    }
}
