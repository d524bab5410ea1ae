using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Tandem.Identity.Tokens;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Kernel.Validation;

namespace Tandem.Identity.Users;

public sealed record LoginRequest(string? Phone, string? Password);

internal static class Login
{
    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Handle(
        LoginRequest request, HttpContext http, UserManager<TandemUser> users, AccessTokens tokens,
        UserSessions sessions, TimeProvider clock)
    {
        var checks = new Checks();
        checks.Required("phone", request.Phone);
        checks.Required("password", request.Password);
        if (!checks.Ok)
        {
            return ApiProblem.Validation(checks.Errors);
        }

        if (!PhoneNumber.TryParse(request.Phone, out var phone))
        {
            return ApiProblem.InvalidPhone();
        }

        var user = await users.FindByNameAsync(phone.Value.Value);
        if (user is null)
        {
            return InvalidCredentials();
        }

        if (await users.IsLockedOutAsync(user))
        {
            return LockedOut(http, user, clock);
        }

        if (request.Password!.Length > Register.MaxPasswordLength || !await users.CheckPasswordAsync(user, request.Password))
        {
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user))
            {
                // The lockout takes effect for tokens already out there too.
                sessions.Forget(user.Id);
            }

            return InvalidCredentials();
        }

        await users.ResetAccessFailedCountAsync(user);
        var (token, expires) = tokens.Issue(user.Id, user.SecurityStamp!);
        return TypedResults.Ok(new TokenResponse(user.Id, token, expires));
    }

    private static ProblemHttpResult InvalidCredentials() =>
        ApiProblem.Create(StatusCodes.Status401Unauthorized, "invalid_credentials", "The phone number or password is wrong.");

    private static ProblemHttpResult LockedOut(HttpContext http, TandemUser user, TimeProvider clock)
    {
        var remaining = (user.LockoutEnd ?? clock.GetUtcNow()) - clock.GetUtcNow();
        var seconds = Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblem.Create(StatusCodes.Status429TooManyRequests, "locked_out",
            $"Too many failed sign-ins. Try again in {seconds} seconds.");
    }
}
