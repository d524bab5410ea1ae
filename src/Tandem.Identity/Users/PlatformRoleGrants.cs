using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tandem.Identity.Contracts;
using Tandem.Identity.Tokens;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;

namespace Tandem.Identity.Users;

public sealed record GrantRoleRequest(string? Role);

public sealed record PlatformRolesResponse(Guid UserId, IReadOnlyList<string> PlatformRoles);

/// <summary>Platform admins grant courier, regulator and admin roles; the first admins come from configuration.</summary>
internal static class PlatformRoleGrants
{
    private static readonly string[] Grantable = [PlatformRoles.Admin, PlatformRoles.Courier, PlatformRoles.Regulator];

    public static async Task<Results<Ok<PlatformRolesResponse>, ProblemHttpResult>> Grant(
        Guid userId, GrantRoleRequest request, UserManager<TandemUser> users, UserSessions sessions)
    {
        var role = request.Role?.Trim().ToLowerInvariant();
        if (role is null || !Grantable.Contains(role))
        {
            return ApiProblem.BadRequest("validation_failed", $"role must be one of: {string.Join(", ", Grantable)}.", "role");
        }

        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return ApiProblem.NotFound("No user has this id.");
        }

        user.AddRole(role);
        await users.UpdateAsync(user);
        sessions.Forget(user.Id);
        return TypedResults.Ok(new PlatformRolesResponse(user.Id, user.Roles));
    }

    public static bool IsConfiguredAdmin(IConfiguration configuration, PhoneNumber phone) =>
        (configuration.GetSection("Tandem:Platform:AdminPhones").Get<string[]>() ?? [])
            .Any(raw => PhoneNumber.TryParse(raw, out var configured) && configured.Value == phone);

    /// <summary>Gives the admin role to the users whose phones are listed in <c>Tandem:Platform:AdminPhones</c>.</summary>
    public static async Task BootstrapAdminsAsync(TandemDbContext db, IConfiguration configuration, ILogger logger, CancellationToken ct)
    {
        var phones = configuration.GetSection("Tandem:Platform:AdminPhones").Get<string[]>() ?? [];
        foreach (var raw in phones)
        {
            if (!PhoneNumber.TryParse(raw, out var phone))
            {
                logger.LogWarning("Ignoring Tandem:Platform:AdminPhones entry {Phone}: not a valid mobile number", raw);
                continue;
            }

            var user = await db.Set<TandemUser>().FirstOrDefaultAsync(u => u.PhoneNumber == phone.Value.Value, ct);
            if (user is not null && user.AddRole(PlatformRoles.Admin))
            {
                logger.LogInformation("Granted platform admin to {UserId} from configuration", user.Id);
            }
        }

        await db.SaveChangesAsync(ct);
    }
}
