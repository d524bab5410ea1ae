using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Tandem.Kernel.Tenancy;

/// <summary>The signed-in user of the current request, if any.</summary>
public interface ICurrentUser
{
    Guid? UserId { get; }
}

internal sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    public Guid? UserId => TandemClaims.UserId(accessor.HttpContext?.User);
}

public static class TandemClaims
{
    public const string UserIdClaim = "sub";
    public const string SecurityStampClaim = "stamp";

    public static Guid? UserId(ClaimsPrincipal? principal) =>
        principal?.Identity?.IsAuthenticated == true && Guid.TryParse(principal.FindFirstValue(UserIdClaim), out var id) ? id : null;

    /// <summary>The user id of an endpoint that requires authorization; the auth middleware guarantees it.</summary>
    public static Guid RequiredUserId(this ClaimsPrincipal principal) =>
        UserId(principal) ?? throw new InvalidOperationException("The endpoint must require an authenticated user.");
}
