using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tandem.Identity.Contracts;
using Tandem.Identity.Tokens;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Validation;

namespace Tandem.Identity.Users;

public sealed record RegisterRequest(string? Phone, string? Password, string? DisplayName);

public sealed record TokenResponse(Guid UserId, string AccessToken, DateTime ExpiresAt);

internal static class Register
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    public static async Task<Results<Created<TokenResponse>, ProblemHttpResult>> Handle(
        RegisterRequest request, UserManager<TandemUser> users, AccessTokens tokens, TimeProvider clock, IConfiguration configuration, CancellationToken ct)
    {
        var checks = new Checks();
        checks.Required("phone", request.Phone);
        checks.Required("password", request.Password);
        var displayName = checks.Name("displayName", request.DisplayName);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (!PhoneNumber.TryParse(request.Phone, out var phone))
        {
            return ApiProblem.InvalidPhone();
        }

        if (request.Password!.Length is < MinPasswordLength or > MaxPasswordLength)
        {
            return ApiProblem.BadRequest("weak_password", $"The password must be {MinPasswordLength} to {MaxPasswordLength} characters.", "password");
        }

        var user = new TandemUser
        {
            Id = NewId.Next(clock),
            UserName = phone.Value.Value,
            PhoneNumber = phone.Value.Value,
            DisplayName = displayName,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
            // The first platform admins come from configuration (Tandem:Platform:AdminPhones).
            PlatformRoles = PlatformRoleGrants.IsConfiguredAdmin(configuration, phone.Value) ? PlatformRoles.Admin : "",
        };

        IdentityResult result;
        try
        {
            result = await users.CreateAsync(user, request.Password);
        }
        catch (DbUpdateException)
        {
            // Two registrations for one phone raced past the lookup; the unique index decided.
            return PhoneTaken();
        }

        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName)))
            {
                return PhoneTaken();
            }

            if (result.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)))
            {
                return ApiProblem.BadRequest("weak_password", string.Join(" ", result.Errors.Select(e => e.Description)), "password");
            }

            return ApiProblem.Validation(new Dictionary<string, string[]>
            {
                ["phone"] = result.Errors.Select(e => e.Description).ToArray(),
            });
        }

        var (token, expires) = tokens.Issue(user.Id, user.SecurityStamp!);
        return TypedResults.Created("/api/v1/me", new TokenResponse(user.Id, token, expires));
    }

    private static ProblemHttpResult PhoneTaken() =>
        ApiProblem.Conflict("phone_taken", "An account with this phone number already exists.");
}
